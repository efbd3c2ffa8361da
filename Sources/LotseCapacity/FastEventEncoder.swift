import Foundation
import LotseDomain

/// A hand-written encoder for the frequent events (resource status, closures, beds, and the three announcement
/// events) and for the metadata beside every event. `JSONEncoder` was the largest single cost of a command
/// (≈ 30 % of a simulated year); this writes the same JSON — keys in JSONEncoder's order, the same escapes, slashes
/// unescaped —
/// in one pass. A property test checks it byte for byte against `JSONEncoder` and through `JSONDecoder`.
enum FastEventEncoder {
    static func payload(_ e: HospitalEvent) -> Data? {
        var w = JSONBytes()
        switch e {
        case let .statusReported(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("status") { $0.string(e.status.rawValue) }
            }
        case let .closed(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
                w.field("reason") { $0.string(e.reason) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("until") { $0.string(e.until.iso8601) }
            }
        case let .reopened(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
                w.field("resource") { $0.string(e.resource.rawValue) }
            }
        case let .closureExpired(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("until") { $0.string(e.until.iso8601) }
            }
        case let .bedsReported(e):
            w.object { w in
                w.field("beds") { w in
                    w.object { w in
                        for (category, count) in e.beds.sorted(by: { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }) {
                            w.field(category.rawValue) { w in
                                w.object { w in
                                    w.field("free") { $0.int(count.free) }
                                    w.field("operable") { $0.int(count.operable) }
                                }
                            }
                        }
                    }
                }
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
            }
        case .registered, .profileChanged:
            return nil
        }
        return Data(w.bytes)
    }

    static func payload(_ e: AnnouncementEvent) -> Data? {
        var w = JSONBytes()
        switch e {
        case let .announced(e):
            w.object { w in
                w.field("announcedBy") { $0.string(e.announcedBy) }
                w.field("bedCategory") { $0.string(e.bedCategory.rawValue) }
                w.field("eta") { $0.string(e.eta.iso8601) }
                w.field("flags") { w in w.array(e.flags) { $0.string($1.rawValue) } }
                w.field("header") { $0.header(e.header) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
                // JSONEncoder sorts keys case-insensitively: "overriddenResources" before "overrideReason".
                w.field("overriddenResources") { w in w.array(e.overriddenResources) { $0.string($1.rawValue) } }
                if let r = e.overrideReason { w.field("overrideReason") { $0.string(r) } }
                w.field("pzc") { $0.string(e.pzc) }
                w.field("urgency") { $0.int(e.urgency.rawValue) }
            }
        case let .acknowledged(e):
            w.object { w in
                w.field("acknowledgedBy") { $0.string(e.acknowledgedBy) }
                w.field("header") { $0.header(e.header) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
            }
        case let .arrived(e):
            w.object { w in
                w.field("handoverAt") { $0.string(e.handoverAt.iso8601) }
                w.field("header") { $0.header(e.header) }
                w.field("occurredAt") { $0.string(e.occurredAt.iso8601) }
            }
        case .cancelled, .escalated:
            return nil
        }
        return Data(w.bytes)
    }

    static func metadata(_ m: EventMetadata) -> Data {
        var w = JSONBytes()
        w.object { w in
            w.field("command") { $0.string(m.command) }
            w.field("correlationId") { $0.string(m.correlationId) }
            if let k = m.idempotencyKey { w.field("idempotencyKey") { $0.string(k) } }
            w.field("principal") { $0.string(m.principal) }
        }
        return Data(w.bytes)
    }
}

/// Writes compact JSON into a byte buffer.
struct JSONBytes {
    var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(256) }

    mutating func object(_ body: (inout JSONBytes) -> Void) {
        bytes.append(0x7B)
        let outer = first
        first = true
        body(&self)
        first = outer
        bytes.append(0x7D)
    }

    mutating func field(_ key: String, _ value: (inout JSONBytes) -> Void) {
        if !first { bytes.append(0x2C) }
        first = false
        string(key)
        bytes.append(0x3A)
        value(&self)
    }

    mutating func array<T>(_ items: [T], _ element: (inout JSONBytes, T) -> Void) {
        bytes.append(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            element(&self, item)
        }
        bytes.append(0x5D)
    }

    mutating func header(_ h: AnnouncementHeader) {
        object { w in
            w.field("announcementId") { $0.string(h.announcementId.rawValue) }
            w.field("district") { $0.string(h.district.rawValue) }
            w.field("hospitalId") { $0.string(h.hospitalId.rawValue) }
            w.field("unit") { $0.string(h.unit) }
        }
    }

    mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

    /// A JSON string as `JSONEncoder` writes it (with `.withoutEscapingSlashes`): `"` `\` and control characters escaped.
    mutating func string(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x08: bytes.append(contentsOf: [0x5C, 0x62])
            case 0x0C: bytes.append(contentsOf: [0x5C, 0x66])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
}
