import Foundation
import LotseApplication
import LotseCapacity
@testable import LotseAPI
import LotseDispatch
import LotseDomain
import LotseEventStore
import LotseSeed
import Testing

/// The hand-written dispatch JSON is the same document `JSONEncoder` produces, for varied answers.
@Suite struct AnswerJSONTests {
    static func direct(_ value: some DirectJSON) -> [UInt8] {
        var w = JSONWriter()
        value.write(&w)
        return w.bytes
    }

    @Test func bedKeysAreTheCategoriesNames() {
        for c in BedCategory.allCases {
            #expect(c.jsonKey.withUTF8Buffer { String(decoding: $0, as: UTF8.self) } == c.rawValue)
        }
        #expect(DispatchAnswer.ResourceState.sameBytes("Schockraum", "Schockraum"))
        #expect(!DispatchAnswer.ResourceState.sameBytes("Gefäß", "Gefäß".decomposedStringWithCanonicalMapping))
        #expect(!DispatchAnswer.ResourceState.sameBytes("CT", "MR"))
        #expect(DispatchAnswer.ResourceState.sameBytes("", ""))
    }

    @Test func fastWriterAgreesWithJSONEncoder() async throws {
        let store = InMemoryEventStore()
        let service = CapacityService(store: store)
        let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
        _ = try await service.importHospitals(try Seeder.imports(), demo: true, at: t0)
        var now = t0
        // Varied states: closures with awkward text, limited and stale reports, bed counts, untouched sites.
        for (i, reg) in try Seeder.registrations().map(\.0).enumerated() {
            now = now.adding(minutes: 7)
            let keys = Array(reg.profile)
            guard !keys.isEmpty else { continue }
            let key = keys[i % keys.count]
            let command: HospitalCommand? = switch i % 5 {
            case 0: .close(key, reason: "Grund \(i) – \"Wartung\"", until: now.adding(minutes: Double(30 + i)))
            case 1: .reportStatus(key, .limited)
            case 2: .reportBeds([.icuHighCare: BedCount(free: i % 4, operable: 8), .normal: BedCount(free: i, operable: 200),
                                 .icuLowCare: BedCount(free: 1, operable: 3, additional24h: i % 2 == 0 ? 2 : nil, additional72h: 4),
                                 .ecmo: BedCount(free: 1, operable: 2), .pediatricICU: BedCount(free: 0, operable: 4)])
            case 3: .reportStatus(key, .available)
            default: nil
            }
            if let command { _ = try await service.execute(command, hospital: reg.id, by: .importer, at: now) }
        }
        now = now.adding(minutes: 240)
        _ = try await service.execute(.close(.ct, reason: "Zeile \"1\"\nTab\t\\ 🚑", until: now.adding(minutes: 60)), hospital: HospitalID("772096")!, by: .importer, at: now)
        let p = CapacityProjector(store: store)
        _ = try await p.rebuild()
        let ranking = try DispatchRanking(table: try ReferenceData.requirementTable())
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The hospital views (the single read, the list, the board) are written directly too: the same bytes.
        let views = p.withIndex { index in
            index.hospitals.enumerated().map { HospitalView($0.element, at: now.adding(minutes: 5), ttlMinutes: 720, patientsEnRoute: $0.offset % 3) }
        }
        #expect(views.contains { !$0.beds.isEmpty } && views.contains { $0.bedsReportedAt == nil })
        for v in views { #expect(Self.direct(v) == Array(try enc.encode(v)), "\(v.hospitalId)") }
        for (asOf, district) in [(nil, nil), (now, "Vorpommern-Rügen")] as [(Timestamp?, String?)] {
            let board = BoardController.Board(logPosition: 42, evaluatedAt: now, asOf: asOf, district: district, dataAgeSeconds: 1.5, hospitals: views)
            #expect(Self.direct(board) == Array(try enc.encode(board)))
        }
        let list = HospitalController.HospitalList(logPosition: 7, evaluatedAt: now, hospitals: views)
        #expect(Self.direct(list) == Array(try enc.encode(list)))
        for pzc in ["421701", "132051", "211451", "272353", "222053"] {
            for district in [nil, "Vorpommern-Rügen"] {
                let q = try DispatchQuery(position: GeoPoint(lat: 54.2, lon: 13.0)!, pzc: try PZC(parsing: pzc), district: district.map(DistrictID.init), limit: 7)
                let a = try p.withIndex { try ranking.rank(q, in: $0, at: now.adding(minutes: 5)) }
                let fast = try JSONSerialization.jsonObject(with: Data(a.jsonBytes())) as? NSDictionary
                let reference = try JSONSerialization.jsonObject(with: enc.encode(a)) as? NSDictionary
                #expect(fast != nil && fast == reference, "\(pzc) \(district ?? "-")")
                // Byte for byte, too: the same keys in the same order, numbers and escapes as JSONEncoder writes them.
                #expect(a.jsonBytes() == Array(try enc.encode(a)), "\(pzc) \(district ?? "-")")
                // An answer read back with other labels (decomposed umlauts, another text) is written as it is.
                var text = String(decoding: try enc.encode(a), as: UTF8.self).decomposedStringWithCanonicalMapping
                if let r = text.range(of: #""label":"[^"]*""#, options: .regularExpression) { text.replaceSubrange(r, with: #""label":"Anders \"x\" – ü""#) }
                let relabelled = try JSONDecoder().decode(DispatchAnswer.self, from: Data(text.utf8))
                #expect(relabelled.jsonBytes() == Array(try enc.encode(relabelled)), "\(pzc) relabelled")
            }
        }
    }
}
