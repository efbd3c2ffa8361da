import Foundation
import LotseDomain
import LotseEventStore

/// Maps hospital and announcement events to stored events and back, upcasting old schema versions on read.
public struct HospitalEventCodec: Sendable {
    public let upcasting: EventUpcasting
    private let decoder = JSONDecoder()

    public init() {
        var u = EventUpcasting()
        // HospitalRegistered v1 → v2: `lat`/`lon` moved into `position`; `district` added (unknown for old rows).
        u.register(type: HospitalRegistered.eventType, from: 1) { o in
            guard case let .number(lat)? = o["lat"], case let .number(lon)? = o["lon"] else {
                throw EventStoreError.storage("HospitalRegistered v1 without lat/lon")
            }
            o["position"] = .object(["lat": .number(lat), "lon": .number(lon)])
            o["lat"] = nil
            o["lon"] = nil
            if o["district"] == nil { o["district"] = .string("unbekannt") }
        }
        upcasting = u
    }

    public static func stream(for id: HospitalID) -> StreamID { StreamID("hospital-\(id.rawValue)") }

    public func encode(_ event: HospitalEvent, metadata: EventMetadata) throws -> EventData {
        if let fast = FastEventEncoder.payload(event) {
            return EventData(type: event.typeName, schemaVersion: 1, payload: fast, metadata: FastEventEncoder.metadata(metadata))
        }
        return try encodeWithJSONEncoder(event, metadata: metadata)
    }

    /// The reference encoder (Codable); `encode` uses it for the rare events the fast path leaves out.
    public func encodeWithJSONEncoder(_ event: HospitalEvent, metadata: EventMetadata) throws -> EventData {
        let enc = Self.jsonEncoder()
        let payload: Data
        let version: Int
        switch event {
        case let .registered(e): (payload, version) = (try enc.encode(e), HospitalRegistered.schemaVersion)
        case let .profileChanged(e): (payload, version) = (try enc.encode(e), HospitalProfileChanged.schemaVersion)
        case let .statusReported(e): (payload, version) = (try enc.encode(e), ResourceStatusReported.schemaVersion)
        case let .closed(e): (payload, version) = (try enc.encode(e), ResourceClosed.schemaVersion)
        case let .reopened(e): (payload, version) = (try enc.encode(e), ResourceReopened.schemaVersion)
        case let .closureExpired(e): (payload, version) = (try enc.encode(e), ResourceClosureExpired.schemaVersion)
        case let .bedsReported(e): (payload, version) = (try enc.encode(e), BedCountsReported.schemaVersion)
        }
        return EventData(type: event.typeName, schemaVersion: version, payload: payload, metadata: try enc.encode(metadata))
    }

    /// Decodes a stored event; nil for event types that are not hospital events (other aggregates share the log).
    public func decode(_ r: RecordedEvent) throws -> HospitalEvent? {
        if r.schemaVersion == 1, let fast = FastEventDecoder.decode(type: r.type, payload: r.payload) { return fast }
        return try decodeWithJSONDecoder(r)
    }

    /// The reference decoder (Codable); `decode` uses it whenever the fast path declines.
    public func decodeWithJSONDecoder(_ r: RecordedEvent) throws -> HospitalEvent? {
        let dec = decoder
        func body<T: EventPayload>(_ t: T.Type) throws -> T {
            let data = try upcasting.upcast(type: r.type, version: r.schemaVersion, to: T.schemaVersion, payload: r.payload)
            return try dec.decode(T.self, from: data)
        }
        switch r.type {
        case HospitalRegistered.eventType: return .registered(try body(HospitalRegistered.self))
        case HospitalProfileChanged.eventType: return .profileChanged(try body(HospitalProfileChanged.self))
        case ResourceStatusReported.eventType: return .statusReported(try body(ResourceStatusReported.self))
        case ResourceClosed.eventType: return .closed(try body(ResourceClosed.self))
        case ResourceReopened.eventType: return .reopened(try body(ResourceReopened.self))
        case ResourceClosureExpired.eventType: return .closureExpired(try body(ResourceClosureExpired.self))
        case BedCountsReported.eventType: return .bedsReported(try body(BedCountsReported.self))
        default: return nil
        }
    }

    public static func stream(for id: AnnouncementID) -> StreamID { StreamID("announcement-\(id.rawValue)") }

    /// Decodes any event a projection understands; nil for types of other aggregates.
    public func decodeAny(_ r: RecordedEvent) throws -> LotseEvent? {
        if let h = try decode(r) { return .hospital(h) }
        if let a = try decodeAnnouncement(r) { return .announcement(a) }
        return nil
    }

    public func decodeAnnouncement(_ r: RecordedEvent) throws -> AnnouncementEvent? {
        if r.schemaVersion == 1, let fast = FastEventDecoder.decodeAnnouncement(type: r.type, payload: r.payload) { return fast }
        return try decodeAnnouncementWithJSONDecoder(r)
    }

    /// The reference decoder for announcement events (Codable).
    public func decodeAnnouncementWithJSONDecoder(_ r: RecordedEvent) throws -> AnnouncementEvent? {
        let dec = decoder
        func body<T: EventPayload>(_ t: T.Type) throws -> T {
            let data = try upcasting.upcast(type: r.type, version: r.schemaVersion, to: T.schemaVersion, payload: r.payload)
            return try dec.decode(T.self, from: data)
        }
        switch r.type {
        case PatientAnnounced.eventType: return .announced(try body(PatientAnnounced.self))
        case AnnouncementAcknowledged.eventType: return .acknowledged(try body(AnnouncementAcknowledged.self))
        case PatientArrived.eventType: return .arrived(try body(PatientArrived.self))
        case AnnouncementCancelled.eventType: return .cancelled(try body(AnnouncementCancelled.self))
        case AnnouncementEscalated.eventType: return .escalated(try body(AnnouncementEscalated.self))
        default: return nil
        }
    }

    public func encode(_ event: AnnouncementEvent, metadata: EventMetadata) throws -> EventData {
        if let fast = FastEventEncoder.payload(event) {
            return EventData(type: event.typeName, schemaVersion: 1, payload: fast, metadata: FastEventEncoder.metadata(metadata))
        }
        return try encodeWithJSONEncoder(event, metadata: metadata)
    }

    /// The reference encoder for announcement events (Codable).
    public func encodeWithJSONEncoder(_ event: AnnouncementEvent, metadata: EventMetadata) throws -> EventData {
        let enc = Self.jsonEncoder()
        let payload: Data
        switch event {
        case let .announced(e): payload = try enc.encode(e)
        case let .acknowledged(e): payload = try enc.encode(e)
        case let .arrived(e): payload = try enc.encode(e)
        case let .cancelled(e): payload = try enc.encode(e)
        case let .escalated(e): payload = try enc.encode(e)
        }
        return EventData(type: event.typeName, schemaVersion: 1, payload: payload, metadata: try enc.encode(metadata))
    }

    /// Sorted keys, slashes unescaped: the format the fast encoder writes too.
    static func jsonEncoder() -> JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return enc
    }

    public func metadata(of r: RecordedEvent) -> EventMetadata? {
        try? JSONDecoder().decode(EventMetadata.self, from: r.metadata)
    }
}
