import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// Stores Telenotarzt events as one payload struct per type (`TNAEventPayloads.swift`, schema version 2) and reads
/// every version Lotse wrote: version 1 was the enum's synthesized JSON, lifted to version 2 by one upcaster per
/// type (the case's object, with `_0` and the labels renamed to the struct's fields).
public struct TNAEventCodec: Sendable {
    public init() {}

    public var eventTypes: [EventType] { TNAEvent.payloadTypes.map(EventType.init) }

    /// v1 → v2 for every type: (stored type, the enum case it was written as, renamed keys).
    static let v1Layout: [(type: String, enumCase: String, renamed: [String: String])] = [
        (PhysicianSignedOn.eventType, "physicianSignedOn", ["_0": "physicianId", "at": "occurredAt"]),
        (PhysicianPaused.eventType, "physicianPaused", ["_0": "physicianId", "at": "occurredAt"]),
        (PhysicianResumed.eventType, "physicianResumed", ["_0": "physicianId", "at": "occurredAt"]),
        (PhysicianSignedOff.eventType, "physicianSignedOff", ["_0": "physicianId", "at": "occurredAt"]),
        (ConsultationRequested.eventType, "requested", ["_0": "request", "at": "occurredAt"]),
        (ConsultationOffered.eventType, "offered", ["_0": "consultationId", "to": "physicianId", "at": "occurredAt"]),
        (OfferMissed.eventType, "offerMissed", ["_0": "consultationId", "by": "physicianId", "at": "occurredAt"]),
        (OfferDeclined.eventType, "offerDeclined", ["_0": "consultationId", "by": "physicianId", "at": "occurredAt"]),
        (ConsultationAccepted.eventType, "accepted", ["_0": "consultationId", "by": "physicianId", "at": "occurredAt"]),
        (ConsultationConnected.eventType, "connected", ["_0": "consultationId", "at": "occurredAt"]),
        (ConsultationEnded.eventType, "ended", ["_0": "consultationId", "at": "occurredAt"]),
        (ConsultationCancelled.eventType, "cancelled", ["_0": "consultationId", "at": "occurredAt"]),
        (ConsultationEscalated.eventType, "escalated", ["_0": "consultationId", "at": "occurredAt"]),
        (ConsultationRequeued.eventType, "requeued", ["_0": "consultationId", "from": "physicianId", "at": "occurredAt"]),
        (BackupAlerted.eventType, "backupAlerted", ["_0": "consultationId", "at": "occurredAt"]),
        (LeitstelleAlerted.eventType, "leitstelleAlerted", ["_0": "consultationId", "at": "occurredAt"]),
    ]

    static let upcasting: EventUpcasting = {
        var u = EventUpcasting()
        for (type, enumCase, renamed) in v1Layout {
            u.register(type: type, from: 1) { o in
                guard case let .object(fields)? = o[enumCase], o.count == 1 else {
                    throw EventStoreError.storage("\(type) v1 without its case object \(enumCase)")
                }
                o = [:]
                for (key, value) in fields { o[renamed[key] ?? key] = value }
            }
        }
        // v2 → v3: the same fields; a v2 note is a string, which `PersonalNote` reads as clear text.
        u.register(type: ConsultationRequested.eventType, from: 2) { _ in }
        return u
    }()

    /// One encoder for every event (its settings never change; making one per event cost more than the encoding).
    private static let encoder: JSONEncoder = {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return enc
    }()

    public func encode(_ event: TNAEvent, metadata: EventMetadata) throws -> EventData {
        let enc = Self.encoder
        func data<P: EventPayload>(_ p: P) throws -> EventData {
            EventData(type: P.eventType, schemaVersion: P.schemaVersion, payload: try enc.encode(p), metadata: Data(metadata.json))
        }
        return switch event {
        case let .physicianSignedOn(physicianId, centre, maxParallel, at): try data(PhysicianSignedOn(physicianId: physicianId, centre: centre, maxParallel: maxParallel, occurredAt: at))
        case let .physicianPaused(physicianId, at): try data(PhysicianPaused(physicianId: physicianId, occurredAt: at))
        case let .physicianResumed(physicianId, at): try data(PhysicianResumed(physicianId: physicianId, occurredAt: at))
        case let .physicianSignedOff(physicianId, at): try data(PhysicianSignedOff(physicianId: physicianId, occurredAt: at))
        case let .requested(request, at): try data(ConsultationRequested(request: request, occurredAt: at))
        case let .offered(consultationId, physicianId, expiresAt, at): try data(ConsultationOffered(consultationId: consultationId, physicianId: physicianId, expiresAt: expiresAt, occurredAt: at))
        case let .offerMissed(consultationId, physicianId, at): try data(OfferMissed(consultationId: consultationId, physicianId: physicianId, occurredAt: at))
        case let .offerDeclined(consultationId, physicianId, at): try data(OfferDeclined(consultationId: consultationId, physicianId: physicianId, occurredAt: at))
        case let .accepted(consultationId, physicianId, at): try data(ConsultationAccepted(consultationId: consultationId, physicianId: physicianId, occurredAt: at))
        case let .connected(consultationId, at): try data(ConsultationConnected(consultationId: consultationId, occurredAt: at))
        case let .ended(consultationId, disposition, destination, at): try data(ConsultationEnded(consultationId: consultationId, disposition: disposition, destination: destination, occurredAt: at))
        case let .cancelled(consultationId, reason, at): try data(ConsultationCancelled(consultationId: consultationId, reason: reason, occurredAt: at))
        case let .escalated(consultationId, at): try data(ConsultationEscalated(consultationId: consultationId, occurredAt: at))
        case let .requeued(consultationId, physicianId, at): try data(ConsultationRequeued(consultationId: consultationId, physicianId: physicianId, occurredAt: at))
        case let .backupAlerted(consultationId, at): try data(BackupAlerted(consultationId: consultationId, occurredAt: at))
        case let .leitstelleAlerted(consultationId, at): try data(LeitstelleAlerted(consultationId: consultationId, occurredAt: at))
        }
    }

    public func decode(_ r: RecordedEvent) throws -> TNAEvent? {
        func body<P: EventPayload>(_ t: P.Type) throws -> P? {
            let data = try Self.upcasting.upcast(type: r.type, version: r.schemaVersion, to: P.schemaVersion, payload: r.payload)
            return try JSONDecoder().decode(P.self, from: data)
        }
        switch r.type {
        case PhysicianSignedOn.eventType: return try body(PhysicianSignedOn.self).map { p in .physicianSignedOn(p.physicianId, centre: p.centre, maxParallel: p.maxParallel, at: p.occurredAt) }
        case PhysicianPaused.eventType: return try body(PhysicianPaused.self).map { p in .physicianPaused(p.physicianId, at: p.occurredAt) }
        case PhysicianResumed.eventType: return try body(PhysicianResumed.self).map { p in .physicianResumed(p.physicianId, at: p.occurredAt) }
        case PhysicianSignedOff.eventType: return try body(PhysicianSignedOff.self).map { p in .physicianSignedOff(p.physicianId, at: p.occurredAt) }
        case ConsultationRequested.eventType: return try body(ConsultationRequested.self).map { p in .requested(p.request, at: p.occurredAt) }
        case ConsultationOffered.eventType: return try body(ConsultationOffered.self).map { p in .offered(p.consultationId, to: p.physicianId, expiresAt: p.expiresAt, at: p.occurredAt) }
        case OfferMissed.eventType: return try body(OfferMissed.self).map { p in .offerMissed(p.consultationId, by: p.physicianId, at: p.occurredAt) }
        case OfferDeclined.eventType: return try body(OfferDeclined.self).map { p in .offerDeclined(p.consultationId, by: p.physicianId, at: p.occurredAt) }
        case ConsultationAccepted.eventType: return try body(ConsultationAccepted.self).map { p in .accepted(p.consultationId, by: p.physicianId, at: p.occurredAt) }
        case ConsultationConnected.eventType: return try body(ConsultationConnected.self).map { p in .connected(p.consultationId, at: p.occurredAt) }
        case ConsultationEnded.eventType: return try body(ConsultationEnded.self).map { p in .ended(p.consultationId, disposition: p.disposition, destination: p.destination, at: p.occurredAt) }
        case ConsultationCancelled.eventType: return try body(ConsultationCancelled.self).map { p in .cancelled(p.consultationId, reason: p.reason, at: p.occurredAt) }
        case ConsultationEscalated.eventType: return try body(ConsultationEscalated.self).map { p in .escalated(p.consultationId, at: p.occurredAt) }
        case ConsultationRequeued.eventType: return try body(ConsultationRequeued.self).map { p in .requeued(p.consultationId, from: p.physicianId, at: p.occurredAt) }
        case BackupAlerted.eventType: return try body(BackupAlerted.self).map { p in .backupAlerted(p.consultationId, at: p.occurredAt) }
        case LeitstelleAlerted.eventType: return try body(LeitstelleAlerted.self).map { p in .leitstelleAlerted(p.consultationId, at: p.occurredAt) }
        default: return nil
        }
    }
}
