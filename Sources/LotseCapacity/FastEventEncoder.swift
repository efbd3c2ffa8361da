import Foundation
import LotseApplication
import LotseDomain

/// A hand-written encoder for the frequent events (resource status, closures, beds, and the three announcement
/// events), on the one `JSONWriter` (which also writes the metadata beside every event). `JSONEncoder` was the
/// largest single cost of a command (≈ 30 % of a simulated year); this writes the same JSON — keys in
/// JSONEncoder's order, the same escapes, slashes unescaped — in one pass. A property test checks it byte for byte against `JSONEncoder` and through `JSONDecoder`.
enum FastEventEncoder {
    /// The schema version of each payload layout written (and read, `FastEventDecoder`) by hand. When a type's
    /// `schemaVersion` moves on, the fast paths step aside for it until its layout here is rewritten; a test fails
    /// while the two disagree.
    static let layoutVersions: [String: Int] = [
        ResourceStatusReported.eventType: 1, ResourceClosed.eventType: 1, ResourceReopened.eventType: 1,
        ResourceClosureExpired.eventType: 1, BedCountsReported.eventType: 1,
        PatientAnnounced.eventType: 1, AnnouncementAcknowledged.eventType: 1, PatientArrived.eventType: 2,
    ]

    static func payload(_ e: HospitalEvent) -> Data? {
        guard layoutVersions[e.typeName] == e.schemaVersion else { return nil }
        var w = JSONWriter()
        switch e {
        case let .statusReported(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("status") { $0.string(e.status.rawValue) }
            }
        case let .closed(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
                w.field("reason") { $0.string(e.reason) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("until") { $0.timestamp(e.until) }
            }
        case let .reopened(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
                w.field("resource") { $0.string(e.resource.rawValue) }
            }
        case let .closureExpired(e):
            w.object { w in
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
                w.field("resource") { $0.string(e.resource.rawValue) }
                w.field("until") { $0.timestamp(e.until) }
            }
        case let .bedsReported(e):
            w.object { w in
                w.field("beds") { w in
                    w.object { w in
                        for (category, count) in e.beds.sorted(by: { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }) {
                            w.field(named: category.rawValue) { w in
                                w.object { w in
                                    // Sorted keys, absent optionals left out: as JSONEncoder writes them.
                                    if let a = count.additional24h { w.field("additional24h") { $0.int(a) } }
                                    if let b = count.additional72h { w.field("additional72h") { $0.int(b) } }
                                    w.field("free") { $0.int(count.free) }
                                    w.field("operable") { $0.int(count.operable) }
                                }
                            }
                        }
                    }
                }
                w.field("hospitalId") { $0.string(e.hospitalId.rawValue) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
            }
        case .registered, .profileChanged:
            return nil
        }
        return w.withBytes { Data($0) }
    }

    static func payload(_ e: AnnouncementEvent) -> Data? {
        guard layoutVersions[e.typeName] == e.schemaVersion else { return nil }
        var w = JSONWriter()
        switch e {
        case let .announced(e):
            w.object { w in
                w.field("announcedBy") { $0.string(e.announcedBy) }
                w.field("bedCategory") { $0.string(e.bedCategory.rawValue) }
                w.field("eta") { $0.timestamp(e.eta) }
                w.field("flags") { w in w.array(e.flags) { $0.string($1.rawValue) } }
                w.field("header") { $0.announcementHeader(e.header) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
                // JSONEncoder sorts keys case-insensitively: "overriddenResources" before "overrideReason".
                w.field("overriddenResources") { w in w.array(e.overriddenResources) { $0.string($1.rawValue) } }
                if let r = e.overrideReason { w.field("overrideReason") { $0.string(r) } }
                w.field("pzc") { $0.string(e.pzc) }
                w.field("urgency") { $0.int(e.urgency.rawValue) }
            }
        case let .acknowledged(e):
            w.object { w in
                w.field("acknowledgedBy") { $0.string(e.acknowledgedBy) }
                w.field("header") { $0.announcementHeader(e.header) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
            }
        case let .arrived(e):
            w.object { w in
                w.field("arrivedAt") { $0.timestamp(e.arrivedAt) }
                if let h = e.handoverAt { w.field("handoverAt") { $0.timestamp(h) } }
                w.field("header") { $0.announcementHeader(e.header) }
                w.field("occurredAt") { $0.timestamp(e.occurredAt) }
            }
        case .cancelled, .escalated, .handedOver:
            return nil
        }
        return w.withBytes { Data($0) }
    }
}

extension JSONWriter {
    mutating func announcementHeader(_ h: AnnouncementHeader) {
        object { w in
            w.field("announcementId") { $0.string(h.announcementId.rawValue) }
            w.field("district") { $0.string(h.district.rawValue) }
            w.field("hospitalId") { $0.string(h.hospitalId.rawValue) }
            w.field("unit") { $0.string(h.unit) }
        }
    }
}
