import Foundation
import LotseDomain

/// The hand-written decoder for the three announcement events every transported patient writes (announced,
/// acknowledged, arrived): a simulated year of MV has ≈ 500 000 of them, and `JSONDecoder` made them the largest
/// cost of catching up. Same contract as `FastEventDecoder`: anything unexpected returns nil and the caller uses
/// `JSONDecoder` (a property test compares both).
extension FastEventDecoder {
    static func decodeAnnouncement(type: String, schemaVersion v: Int, payload: Data) -> AnnouncementEvent? {
        payload.withUnsafeBytes { decodeAnnouncement(type: type, schemaVersion: v, bytes: $0) }
    }

    static func decodeAnnouncement(type: String, schemaVersion v: Int, bytes: UnsafeRawBufferPointer) -> AnnouncementEvent? {
        read(bytes) { r in
            switch type {
            case PatientAnnounced.eventType where v == 1: r.announced().map(AnnouncementEvent.announced)
            case AnnouncementAcknowledged.eventType where v == 1: r.acknowledged().map(AnnouncementEvent.acknowledged)
            case PatientArrived.eventType where v == 1 || v == 2: r.arrived(version: v).map(AnnouncementEvent.arrived)
            default: nil
            }
        }
    }
}

extension FastEventDecoder.Reader {
    mutating func header() -> AnnouncementHeader? {
        var id: AnnouncementID?, hospital: HospitalID?, district: DistrictID?, unit: String?
        let ok = object { r, k in
            switch k {
            case "announcementId": id = r.string().flatMap(AnnouncementID.init); return id != nil
            case "hospitalId": hospital = r.string().flatMap(HospitalID.init); return hospital != nil
            case "district": district = r.string().map(DistrictID.init); return district != nil
            case "unit": unit = r.string(); return unit != nil
            default: return false
            }
        }
        guard ok, let id, let hospital, let district, let unit else { return nil }
        return AnnouncementHeader(announcementId: id, hospitalId: hospital, district: district, unit: unit)
    }

    /// A JSON array, each element read by `element`; nil when malformed or an element is refused.
    mutating func array<T>(_ element: (inout Self) -> T?) -> [T]? {
        guard expect(0x5B) else { return nil }
        var out: [T] = []
        if expect(0x5D) { return out }
        repeat {
            guard let e = element(&self) else { return nil }
            out.append(e)
        } while expect(0x2C)
        return expect(0x5D) ? out : nil
    }

    /// `null`, consumed; false when the next value is something else.
    mutating func null() -> Bool {
        skipSpace()
        guard i + 4 <= bytes.count, bytes[i] == 0x6E, bytes[i + 1] == 0x75, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x6C else { return false }
        i += 4
        return true
    }

    mutating func announced() -> PatientAnnounced? {
        var header: AnnouncementHeader?, pzc: String?, urgency: Urgency?, flags: [AnnouncementFlag]?, eta: Timestamp?
        var bed: BedCategory?, reason: String?, overridden: [ResourceKey]?, by: String?, at: Timestamp?
        let ok = object { r, k in
            switch k {
            case "header": header = r.header(); return header != nil
            case "pzc": pzc = r.string(); return pzc != nil
            case "urgency": urgency = r.int().flatMap(Urgency.init(rawValue:)); return urgency != nil
            case "flags": flags = r.array { $0.string().flatMap(AnnouncementFlag.init(rawValue:)) }; return flags != nil
            case "eta": eta = r.timestamp(); return eta != nil
            case "bedCategory": bed = r.string().flatMap(BedCategory.init(rawValue:)); return bed != nil
            case "overrideReason":
                if r.null() { reason = nil; return true }
                reason = r.string()
                return reason != nil
            case "overriddenResources": overridden = r.array { $0.resource() }; return overridden != nil
            case "announcedBy": by = r.string(); return by != nil
            case "occurredAt": at = r.timestamp(); return at != nil
            default: return false
            }
        }
        guard ok, let header, let pzc, let urgency, let flags, let eta, let bed, let overridden, let by, let at else { return nil }
        return PatientAnnounced(header: header, pzc: pzc, urgency: urgency, flags: flags, eta: eta, bedCategory: bed,
                                overrideReason: reason, overriddenResources: overridden, announcedBy: by, occurredAt: at)
    }

    mutating func acknowledged() -> AnnouncementAcknowledged? {
        var header: AnnouncementHeader?, by: String?, at: Timestamp?
        let ok = object { r, k in
            switch k {
            case "header": header = r.header(); return header != nil
            case "acknowledgedBy": by = r.string(); return by != nil
            case "occurredAt": at = r.timestamp(); return at != nil
            default: return false
            }
        }
        guard ok, let header, let by, let at else { return nil }
        return AnnouncementAcknowledged(header: header, acknowledgedBy: by, occurredAt: at)
    }

    /// v2: `arrivedAt`, `handoverAt` (absent until the hand-over); v1: no `arrivedAt` — the arrival was when it was
    /// reported (`occurredAt`), as the upcaster says.
    mutating func arrived(version: Int) -> PatientArrived? {
        var header: AnnouncementHeader?, arrived: Timestamp?, handover: Timestamp?, at: Timestamp?
        let ok = object { r, k in
            switch k {
            case "header": header = r.header(); return header != nil
            case "arrivedAt" where version == 2: arrived = r.timestamp(); return arrived != nil
            case "handoverAt": handover = r.timestamp(); return handover != nil
            case "occurredAt": at = r.timestamp(); return at != nil
            default: return false
            }
        }
        guard ok, let header, let at, let arrival = version == 1 ? at : arrived else { return nil }
        if version == 1, handover == nil { return nil }
        return PatientArrived(header: header, arrivedAt: arrival, handoverAt: handover, occurredAt: at)
    }
}
