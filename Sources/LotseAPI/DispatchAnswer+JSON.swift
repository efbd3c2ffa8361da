import Foundation
import LotseApplication
import LotseDispatch
import LotseDomain

/// A direct JSON writer for the dispatch answer, the hottest response of the API. `JSONEncoder` spends most of a
/// dispatch request in generic Codable machinery; this writes the same document (keys sorted, nil fields left out,
/// as `JSONEncoder` with `.sortedKeys` does) in one pass, in the writer's flat form (no closure per field). A test
/// compares both on random answers.
extension DispatchAnswer {
    /// The answer as the API sends it (public for the benchmark of the route's own work).
    public func jsonBytes() -> [UInt8] { withJSON { Array($0) } }

    /// The answer as the API sends it, handed to `body` without a copy.
    public func withJSON<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // ≈ 600 bytes per candidate or excluded site: one allocation for the whole answer.
        var w = JSONWriter(capacity: 2048 + 1024 * (candidates.count + excluded.count))
        w.beginObject()
        w.key("candidates")
        w.beginArray()
        for c in candidates { w.element(); c.write(&w) }
        w.endArray()
        w.key("evaluatedAt"); w.timestamp(evaluatedAt)
        w.key("excluded")
        w.beginArray()
        for e in excluded { w.element(); e.write(&w) }
        w.endArray()
        w.key("excludedTotal"); w.int(excludedTotal)
        w.key("logPosition"); w.int(Int(logPosition))
        w.key("parameters")
        w.beginObject()
        w.key("detourFactor"); w.double(parameters.detourFactor)
        w.key("limitedPenaltyMinutes"); w.double(parameters.limitedPenaltyMinutes)
        w.key("loadPenaltyMinutesPerPatient"); w.double(parameters.loadPenaltyMinutesPerPatient)
        w.key("speedKmhUrgency1"); w.double(parameters.speedKmhUrgency1)
        w.key("speedKmhUrgency2"); w.double(parameters.speedKmhUrgency2)
        w.key("speedKmhUrgency3"); w.double(parameters.speedKmhUrgency3)
        w.key("statusTTLMinutes"); w.double(parameters.statusTTLMinutes)
        w.endObject()
        w.key("query")
        w.beginObject()
        w.key("age"); w.int(query.age)
        if let d = query.district { w.key("district"); w.string(d) }
        w.key("indication"); w.string(query.indication)
        w.key("lat"); w.double(query.lat)
        w.key("limit"); w.int(query.limit)
        w.key("lon"); w.double(query.lon)
        w.key("minNotfallstufe"); w.int(query.minNotfallstufe)
        w.key("pediatric"); w.bool(query.pediatric)
        w.key("preferred"); Self.write(query.preferred, &w)
        w.key("pzc"); w.string(query.pzc)
        w.key("required"); Self.write(query.required, &w)
        w.key("rmi"); w.string(query.rmi)
        w.key("urgency"); w.int(query.urgency)
        w.endObject()
        w.key("rulesVersion"); w.string(rulesVersion)
        w.key("suitableTotal"); w.int(suitableTotal)
        w.key("travelTimeModel"); w.string(travelTimeModel)
        w.endObject()
        return try w.withBytes(body)
    }

    static func write(_ keys: [ResourceKey], _ w: inout JSONWriter) {
        w.beginArray()
        for k in keys { w.element(); w.string(k.rawValue) }
        w.endArray()
    }

    static func write(_ resources: [ResourceState], _ w: inout JSONWriter) {
        w.beginArray()
        for r in resources { w.element(); r.write(&w) }
        w.endArray()
    }
}

extension DispatchAnswer.Candidate {
    func write(_ w: inout JSONWriter) {
        w.beginObject()
        if let t = bedsReportedAt { w.key("bedsReportedAt"); w.timestamp(t) }
        if let a = dataAgeMinutes { w.key("dataAgeMinutes"); w.double(a) }
        w.key("distanceKm"); w.double(distanceKm)
        w.key("district"); w.string(district)
        w.key("driveMinutes"); w.double(driveMinutes)
        w.key("freeBeds")
        writeFreeBeds(&w)
        w.key("hospitalId"); w.string(hospitalId.rawValue)
        w.key("name"); w.string(name)
        w.key("notfallstufe"); w.int(notfallstufe)
        w.key("patientsEnRoute"); w.int(patientsEnRoute)
        w.key("preferredPresent"); DispatchAnswer.write(preferredPresent, &w)
        w.key("rank"); w.int(rank)
        w.key("resources"); DispatchAnswer.write(resources, &w)
        w.key("score"); w.double(score)
        w.key("scoreParts")
        w.beginObject()
        w.key("driveMinutes"); w.double(scoreParts.driveMinutes)
        w.key("limitedPenaltyMinutes"); w.double(scoreParts.limitedPenaltyMinutes)
        w.key("loadPenaltyMinutes"); w.double(scoreParts.loadPenaltyMinutes)
        w.endObject()
        w.endObject()
    }

    /// The free beds by category name, from one walk of the dictionary (not a look-up per category).
    func writeFreeBeds(_ w: inout JSONWriter) {
        var counts: (Int, Int, Int, Int, Int, Int) = (.min, .min, .min, .min, .min, .min)  // by `BedCategory.index`; `.min`: none
        withUnsafeMutableBytes(of: &counts) { raw in
            let slots = raw.bindMemory(to: Int.self)
            for (category, n) in freeBeds { slots[category.index] = n }
            w.beginObject()
            for category in DispatchAnswer.bedCategoriesByName where slots[category.index] != .min {
                w.key(category.jsonKey)
                w.int(slots[category.index])
            }
            w.endObject()
        }
    }
}

extension BedCategory {
    /// The raw value as a key known at compile time (copied as it is; a test checks it against `rawValue`).
    var jsonKey: StaticString {
        switch self {
        case .icuLowCare: "icu-low-care"
        case .icuHighCare: "icu-high-care"
        case .ecmo: "ecmo"
        case .normal: "normal"
        case .pediatric: "pediatric"
        case .pediatricICU: "pediatric-icu"
        }
    }
}

extension DispatchAnswer {
    /// The bed categories in the order of their names (the JSON keys' order), once.
    static let bedCategoriesByName = BedCategory.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
}

extension DispatchAnswer.Excluded {
    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("driveMinutes"); w.double(driveMinutes)
        w.key("hospitalId"); w.string(hospitalId.rawValue)
        w.key("name"); w.string(name)
        w.key("reasons")
        w.beginArray()
        for r in reasons { w.element(); w.string(r) }
        w.endArray()
        w.key("resources"); DispatchAnswer.write(resources, &w)
        w.endObject()
    }
}

extension DispatchAnswer.ResourceState {
    /// Byte-for-byte equality (`==` is canonical equivalence), by `memcmp` where both strings are contiguous (the
    /// generic `elementsEqual` of two UTF-8 views cost ≈ 1 % of a dispatch request's CPU, issue 16).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let contiguous = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in pa.isEmpty || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
        }
        if let contiguous, let equal = contiguous { return equal }
        return a.utf8.elementsEqual(b.utf8)
    }

    func write(_ w: inout JSONWriter) {
        let fixed = ResourceStateFragments.shared
        let k = resource.index
        // The label is the resource's German label unless the answer was decoded from elsewhere: then written as is.
        // Byte for byte (`==` on strings is canonical equivalence: a decomposed umlaut would pass it).
        if Self.sameBytes(label, fixed.labels[k]) { w.preformatted(fixed.head(k)) } else {
            w.beginObject()
            w.key("label"); w.string(label)
        }
        if let r = reason { w.key("reason"); w.string(r) }
        if let t = reportedAt { w.key("reportedAt"); w.timestamp(t) }
        w.preformatted(fixed.tail(k, status))
        if let t = until { w.key("until"); w.timestamp(t) }
        w.endObject()
    }
}

/// The fixed parts of a resource's state in the dispatch answer, written once: `{"label":"…"` per resource and
/// `,"resource":"…","status":"…"` per resource and status (≈ 60 of an answer's ≈ 600 fields are these).
final class ResourceStateFragments: @unchecked Sendable {
    // @unchecked: written in `init` only, then read-only; the memory lives as long as the process.
    static let shared = ResourceStateFragments()
    static let kinds: [ResourceStatus.Kind] = [.available, .limited, .closed, .unknown]

    let labels: [String]
    private let base: UnsafeMutablePointer<UInt8>
    /// Start and length of the head of resource `i` at `2i`, of the tail of resource `i` with status `s` at
    /// `2(count + 4i + s)`.
    private let spans: [Int]

    private init() {
        var bytes: [UInt8] = [], spans: [Int] = []
        func add(_ text: String) {
            spans.append(bytes.count)
            bytes += Array(text.utf8)
            spans.append(bytes.count - spans[spans.count - 1])
        }
        func quoted(_ text: String) -> String {
            var w = JSONWriter()
            w.string(text)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        for key in ResourceKey.allCases { add("{\"label\":" + quoted(key.germanLabel)) }
        for key in ResourceKey.allCases {
            for kind in Self.kinds { add(",\"resource\":" + quoted(key.rawValue) + ",\"status\":" + quoted(kind.rawValue)) }
        }
        labels = ResourceKey.allCases.map(\.germanLabel)
        precondition(ResourceKey.allCases.enumerated().allSatisfy { $0.offset == $0.element.index })
        base = .allocate(capacity: bytes.count)
        base.initialize(from: bytes, count: bytes.count)
        self.spans = spans
    }

    func head(_ k: Int) -> UnsafeRawBufferPointer { span(2 * k) }

    func tail(_ k: Int, _ status: ResourceStatus.Kind) -> UnsafeRawBufferPointer {
        let s = switch status {
        case .available: 0
        case .limited: 1
        case .closed: 2
        case .unknown: 3
        }
        return span(2 * (labels.count + 4 * k + s))
    }

    private func span(_ at: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + spans[at], count: spans[at + 1]) }
}
