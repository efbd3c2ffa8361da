import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// The codec of the capacity log: hospital and announcement events to stored events and back, in the schema
/// version each type is written in now, upcasting older versions on read. The frequent events take hand-written
/// paths (`FastEventEncoder`, `FastEventDecoder`), property-tested against the `JSONEncoder`/`JSONDecoder` paths.
public struct LotseEventCodec: Sendable {
    public let upcasting: EventUpcasting

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
        // PatientArrived v1 → v2: the arrival was when it was reported (`occurredAt`), the hand-over `handoverAt`.
        u.register(type: PatientArrived.eventType, from: 1) { o in
            guard let reported = o["occurredAt"] else { throw EventStoreError.storage("PatientArrived v1 without occurredAt") }
            o["arrivedAt"] = reported
        }
        upcasting = u
    }

    /// The codec every service and projection shares.
    public static let standard = LotseEventCodec()

    /// Every hospital and announcement event type, once, with the schema version written.
    public static let eventTypes: [EventType] = (HospitalEvent.payloadTypes + AnnouncementEvent.payloadTypes).map(EventType.init)

    /// The names of `eventTypes`.
    static let eventTypeNames = Set(eventTypes.map(\.name))

    public static func stream(for id: HospitalID) -> StreamID { StreamID("hospital-\(id.rawValue)") }
    public static func stream(for id: AnnouncementID) -> StreamID { StreamID("announcement-\(id.rawValue)") }

    // MARK: Hospital events

    public func encode(_ event: HospitalEvent, metadata: EventMetadata) throws -> EventData {
        guard let fast = FastEventEncoder.payload(event) else { return try encodeWithJSONEncoder(event, metadata: metadata) }
        return EventData(type: event.typeName, schemaVersion: event.schemaVersion, payload: fast, metadata: Data(metadata.json))
    }

    /// The reference encoder (Codable); `encode` uses it for the rare events the fast path leaves out.
    public func encodeWithJSONEncoder(_ event: HospitalEvent, metadata: EventMetadata) throws -> EventData {
        let enc = Self.jsonEncoder()
        let payload = switch event {
        case let .registered(e): try enc.encode(e)
        case let .profileChanged(e): try enc.encode(e)
        case let .statusReported(e): try enc.encode(e)
        case let .closed(e): try enc.encode(e)
        case let .reopened(e): try enc.encode(e)
        case let .closureExpired(e): try enc.encode(e)
        case let .bedsReported(e): try enc.encode(e)
        }
        return EventData(type: event.typeName, schemaVersion: event.schemaVersion, payload: payload, metadata: try enc.encode(metadata))
    }

    /// Decodes a stored event; nil for event types that are not hospital events (other aggregates share the log).
    public func decode(_ r: RecordedEvent) throws -> HospitalEvent? {
        if let fast = FastEventDecoder.decode(type: r.type, schemaVersion: r.schemaVersion, payload: r.payload) { return fast }
        return try decodeWithJSONDecoder(r)
    }

    /// The reference decoder (Codable); `decode` uses it whenever the fast path declines.
    public func decodeWithJSONDecoder(_ r: RecordedEvent) throws -> HospitalEvent? {
        try decodeWithJSONDecoder(type: r.type, schemaVersion: r.schemaVersion, payload: r.payload)
    }

    func decodeWithJSONDecoder(type: String, schemaVersion v: Int, payload: Data) throws -> HospitalEvent? {
        let r = (type: type, schemaVersion: v, payload: payload)
        return switch type {
        case HospitalRegistered.eventType: .registered(try body(r))
        case HospitalProfileChanged.eventType: .profileChanged(try body(r))
        case ResourceStatusReported.eventType: .statusReported(try body(r))
        case ResourceClosed.eventType: .closed(try body(r))
        case ResourceReopened.eventType: .reopened(try body(r))
        case ResourceClosureExpired.eventType: .closureExpired(try body(r))
        case BedCountsReported.eventType: .bedsReported(try body(r))
        default: nil
        }
    }

    // MARK: Announcement events

    public func encode(_ event: AnnouncementEvent, metadata: EventMetadata) throws -> EventData {
        guard let fast = FastEventEncoder.payload(event) else { return try encodeWithJSONEncoder(event, metadata: metadata) }
        return EventData(type: event.typeName, schemaVersion: event.schemaVersion, payload: fast, metadata: Data(metadata.json))
    }

    /// The reference encoder for announcement events (Codable).
    public func encodeWithJSONEncoder(_ event: AnnouncementEvent, metadata: EventMetadata) throws -> EventData {
        let enc = Self.jsonEncoder()
        let payload = switch event {
        case let .announced(e): try enc.encode(e)
        case let .acknowledged(e): try enc.encode(e)
        case let .arrived(e): try enc.encode(e)
        case let .cancelled(e): try enc.encode(e)
        case let .escalated(e): try enc.encode(e)
        case let .handedOver(e): try enc.encode(e)
        }
        return EventData(type: event.typeName, schemaVersion: event.schemaVersion, payload: payload, metadata: try enc.encode(metadata))
    }

    public func decodeAnnouncement(_ r: RecordedEvent) throws -> AnnouncementEvent? {
        if let fast = FastEventDecoder.decodeAnnouncement(type: r.type, schemaVersion: r.schemaVersion, payload: r.payload) { return fast }
        return try decodeAnnouncementWithJSONDecoder(r)
    }

    /// The reference decoder for announcement events (Codable).
    public func decodeAnnouncementWithJSONDecoder(_ r: RecordedEvent) throws -> AnnouncementEvent? {
        try decodeAnnouncementWithJSONDecoder(type: r.type, schemaVersion: r.schemaVersion, payload: r.payload)
    }

    func decodeAnnouncementWithJSONDecoder(type: String, schemaVersion v: Int, payload: Data) throws -> AnnouncementEvent? {
        let r = (type: type, schemaVersion: v, payload: payload)
        return switch type {
        case PatientAnnounced.eventType: .announced(try body(r))
        case AnnouncementAcknowledged.eventType: .acknowledged(try body(r))
        case PatientArrived.eventType: .arrived(try body(r))
        case PatientHandedOver.eventType: .handedOver(try body(r))
        case AnnouncementCancelled.eventType: .cancelled(try body(r))
        case AnnouncementEscalated.eventType: .escalated(try body(r))
        default: nil
        }
    }

    // MARK: Any event of the log

    /// Decodes any event a projection understands; nil for types of other aggregates.
    public func decodeAny(_ r: RecordedEvent) throws -> LotseEvent? {
        try r.scanned { try decodeAny($0) }
    }

    public func metadata(of r: RecordedEvent) -> EventMetadata? {
        try? JSONDecoder().decode(EventMetadata.self, from: r.metadata)
    }

    /// Decodes any event a projection understands as a scan hands it out (`EventStore.scan`) — and, through
    /// `decodeAny(_: RecordedEvent)`, as a read does: the fast paths read the bytes; only what they decline is copied
    /// for `JSONDecoder`.
    public func decodeAny(_ e: ScannedEvent) throws -> LotseEvent? {
        if let h = FastEventDecoder.decode(type: e.type, schemaVersion: e.schemaVersion, bytes: e.payload) { return .hospital(h) }
        if let a = FastEventDecoder.decodeAnnouncement(type: e.type, schemaVersion: e.schemaVersion, bytes: e.payload) { return .announcement(a) }
        // Events of other aggregates (the Telenotarzt, audits, MANV …) are none of the index's: no copy for them.
        guard Self.eventTypeNames.contains(e.type) else { return nil }
        let payload = Data(e.payload)
        if let h = try decodeWithJSONDecoder(type: e.type, schemaVersion: e.schemaVersion, payload: payload) { return .hospital(h) }
        if let a = try decodeAnnouncementWithJSONDecoder(type: e.type, schemaVersion: e.schemaVersion, payload: payload) { return .announcement(a) }
        return nil
    }

    /// A payload lifted to the current schema version of its type, then decoded.
    private func body<T: EventPayload>(_ r: (type: String, schemaVersion: Int, payload: Data)) throws -> T {
        let data = try upcasting.upcast(type: r.type, version: r.schemaVersion, to: T.schemaVersion, payload: r.payload)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Sorted keys, slashes unescaped: the format the fast encoder writes too.
    static func jsonEncoder() -> JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return enc
    }
}
