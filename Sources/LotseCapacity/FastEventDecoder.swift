import Foundation
import LotseDomain

/// A hand-written decoder for the frequent hospital events (status, closures, beds), which dominate a rebuild.
/// `JSONDecoder` spends most of a rebuild in generic Codable machinery (≈ 5 µs per event here); this reads the
/// flat payloads in one pass. Anything it does not recognise — an unknown key, a nested shape, a number where a
/// string was expected — returns nil and the caller falls back to `JSONDecoder`, so it can only be faster, never
/// different (a property test compares both on random payloads).
enum FastEventDecoder {
    /// Only the layout versions it was written for (`FastEventEncoder.layoutVersions`, all 1 now): any other version
    /// takes the reference path with its upcasters.
    static func decode(type: String, schemaVersion v: Int, payload: Data) -> HospitalEvent? {
        payload.withUnsafeBytes { decode(type: type, schemaVersion: v, bytes: $0) }
    }

    static func decode(type: String, schemaVersion v: Int, bytes: UnsafeRawBufferPointer) -> HospitalEvent? {
        read(bytes) { r in
            switch type {
            case ResourceStatusReported.eventType where v == 1: r.statusReported().map(HospitalEvent.statusReported)
            case ResourceClosed.eventType where v == 1: r.closed().map(HospitalEvent.closed)
            case ResourceReopened.eventType where v == 1: r.reopened().map(HospitalEvent.reopened)
            case ResourceClosureExpired.eventType where v == 1: r.closureExpired().map(HospitalEvent.closureExpired)
            case BedCountsReported.eventType where v == 1: r.bedsReported().map(HospitalEvent.bedsReported)
            default: nil
            }
        }
    }

    /// Runs `body` with a reader over the payload's bytes (no copy).
    static func read<T>(_ payload: UnsafeRawBufferPointer, _ body: (inout Reader) -> T?) -> T? {
        var r = Reader(bytes: payload.bindMemory(to: UInt8.self))
        return body(&r)
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ b: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
            return true
        }

        mutating func peek(_ b: UInt8) -> Bool {
            skipSpace()
            return i < bytes.count && bytes[i] == b
        }

        /// A JSON string, unescaped; nil on malformed input.
        mutating func string() -> String? {
            guard expect(0x22) else { return nil }
            let start = i
            if let plain = plainRun() { return String(decoding: plain, as: UTF8.self) }
            guard i < bytes.count else { return nil }
            var out = Array(bytes[start..<i])
            while i < bytes.count {
                let c = bytes[i]
                if c == 0x22 {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if c != 0x5C {
                    out.append(c)
                    i += 1
                    continue
                }
                i += 1
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { return nil }
                        i += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: return nil
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }

        /// A non-negative integer without fraction or exponent (bed counts); nil otherwise.
        mutating func int() -> Int? {
            skipSpace()
            let start = i
            var v = 0
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                v = v &* 10 &+ Int(bytes[i] - 0x30)
                i += 1
            }
            guard i > start, i - start < 16, i < bytes.count, ![0x2E, 0x65, 0x45].contains(bytes[i]) else { return nil }
            return v
        }

        /// Calls `field` for each key of an object; false when the object is malformed or `field` refuses a key. Keys
        /// are matched on their bytes; a key with an escape (the encoders write none) declines the fast path.
        mutating func object(_ field: (inout Reader, Key) -> Bool) -> Bool {
            guard expect(0x7B) else { return false }
            if expect(0x7D) { return true }
            repeat {
                guard expect(0x22), let key = plainRun(), expect(0x3A), field(&self, Key(bytes: key)) else { return false }
            } while expect(0x2C)
            return expect(0x7D)
        }

        /// A string value that names a case of `E` (resources, statuses), looked up by its bytes.
        mutating func rawValue<E>(_ table: RawValueTable<E>) -> E? {
            let before = i
            guard expect(0x22) else { return nil }
            guard let plain = plainRun() else {
                i = before
                return string().flatMap(E.init(rawValue:))
            }
            return table.value(plain)
        }

        mutating func common(_ key: Key, id: inout HospitalID?, at: inout Timestamp?) -> Bool? {
            switch key {
            case "hospitalId":
                guard let s = string(), let h = HospitalID(s) else { return false }
                id = h
                return true
            case "occurredAt":
                guard let t = timestamp() else { return false }
                at = t
                return true
            default: return nil
            }
        }

        mutating func resource() -> ResourceKey? { rawValue(resourceKeys) }
        /// A time, parsed in place from its bytes (a time has no escapes; one with a backslash takes the string path).
        mutating func timestamp() -> Timestamp? {
            let before = i
            guard expect(0x22) else { return nil }
            guard let plain = plainRun() else {
                i = before
                return string().flatMap(Timestamp.init(iso8601:))
            }
            return Timestamp(iso8601Bytes: plain)
        }

        /// After an opening quote: the bytes up to the closing one when there is no escape between (the reader moves
        /// past the quote); nil otherwise (the reader stands at the backslash or the end).
        mutating func plainRun() -> UnsafeBufferPointer<UInt8>? {
            let start = i
            while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C { i += 1 }
            guard i < bytes.count, bytes[i] == 0x22 else { return nil }
            defer { i += 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<i])
        }

        mutating func statusReported() -> ResourceStatusReported? {
            var id: HospitalID?, at: Timestamp?, key: ResourceKey?, status: ReportedStatus?
            let ok = object { r, k in
                if let c = r.common(k, id: &id, at: &at) { return c }
                switch k {
                case "resource": key = r.resource(); return key != nil
                case "status": status = r.rawValue(reportedStatuses); return status != nil
                default: return false
                }
            }
            guard ok, let id, let at, let key, let status else { return nil }
            return ResourceStatusReported(hospitalId: id, resource: key, status: status, occurredAt: at)
        }

        mutating func closed() -> ResourceClosed? {
            var id: HospitalID?, at: Timestamp?, key: ResourceKey?, reason: String?, until: Timestamp?
            let ok = object { r, k in
                if let c = r.common(k, id: &id, at: &at) { return c }
                switch k {
                case "resource": key = r.resource(); return key != nil
                case "reason": reason = r.string(); return reason != nil
                case "until": until = r.timestamp(); return until != nil
                default: return false
                }
            }
            guard ok, let id, let at, let key, let reason, let until else { return nil }
            return ResourceClosed(hospitalId: id, resource: key, reason: reason, until: until, occurredAt: at)
        }

        mutating func reopened() -> ResourceReopened? {
            var id: HospitalID?, at: Timestamp?, key: ResourceKey?
            let ok = object { r, k in
                if let c = r.common(k, id: &id, at: &at) { return c }
                guard case "resource" = k else { return false }
                key = r.resource()
                return key != nil
            }
            guard ok, let id, let at, let key else { return nil }
            return ResourceReopened(hospitalId: id, resource: key, occurredAt: at)
        }

        mutating func closureExpired() -> ResourceClosureExpired? {
            var id: HospitalID?, at: Timestamp?, key: ResourceKey?, until: Timestamp?
            let ok = object { r, k in
                if let c = r.common(k, id: &id, at: &at) { return c }
                switch k {
                case "resource": key = r.resource(); return key != nil
                case "until": until = r.timestamp(); return until != nil
                default: return false
                }
            }
            guard ok, let id, let at, let key, let until else { return nil }
            return ResourceClosureExpired(hospitalId: id, resource: key, until: until, occurredAt: at)
        }

        mutating func bedsReported() -> BedCountsReported? {
            var id: HospitalID?, at: Timestamp?, beds: [BedCategory: BedCount]?
            let ok = object { r, k in
                if let c = r.common(k, id: &id, at: &at) { return c }
                guard case "beds" = k else { return false }
                var out: [BedCategory: BedCount] = [:]
                let fine = r.object { r, k in
                    guard let cat = bedCategories.value(k.bytes), out[cat] == nil else { return false }
                    var free: Int?, operable: Int?, a24: Int?, a72: Int?
                    let counted = r.object { r, k in
                        switch k {
                        case "free": free = r.int(); return free != nil
                        case "operable": operable = r.int(); return operable != nil
                        case "additional24h": a24 = r.int(); return a24 != nil
                        case "additional72h": a72 = r.int(); return a72 != nil
                        default: return false
                        }
                    }
                    guard counted, let free, let operable else { return false }
                    out[cat] = BedCount(free: free, operable: operable, additional24h: a24, additional72h: a72)
                    return true
                }
                beds = out
                return fine
            }
            guard ok, let id, let at, let beds else { return nil }
            return BedCountsReported(hospitalId: id, beds: beds, occurredAt: at)
        }
    }

    static let resourceKeys = RawValueTable<ResourceKey>()
    static let reportedStatuses = RawValueTable<ReportedStatus>()
    static let bedCategories = RawValueTable<BedCategory>()

    /// An object's key as its bytes in the payload, matched against `StaticString` patterns without making a string.
    struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        static func ~= (pattern: StaticString, key: Key) -> Bool {
            pattern.utf8CodeUnitCount == key.bytes.count
                && (key.bytes.isEmpty || memcmp(pattern.utf8Start, key.bytes.baseAddress!, key.bytes.count) == 0)
        }
    }

    /// The cases of a string-backed enum by the bytes of their raw values: the synthesised `init(rawValue:)` compares
    /// the string with one case after another (with ≈ 40 resources, a tenth of a rebuild).
    struct RawValueTable<E: RawRepresentable & CaseIterable & Sendable>: Sendable where E.RawValue == String {
        let entries: [(bytes: [UInt8], value: E)]

        init() { entries = E.allCases.map { (Array($0.rawValue.utf8), $0) } }

        func value(_ bytes: UnsafeBufferPointer<UInt8>) -> E? {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
            for e in entries where e.bytes.count == bytes.count {
                if e.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, bytes.count) }) == 0 { return e.value }
            }
            return nil
        }
    }
}
