import LotseDomain

// One payload struct per Telenotarzt event type (stored as `TNA.<Type>`). Schema version 2; version 1 was the
// synthesized JSON of the `TNAEvent` enum (`{"<case>": {"_0": …, "at": …}}`), lifted by `TNAEventCodec`'s upcasters.

/// A physician signed on at a centre with a limit of parallel consultations (signing on again changes it).
public struct PhysicianSignedOn: EventPayload {
    public static let eventType = "TNA.PhysicianSignedOn"
    public static let schemaVersion = 2
    public let physicianId: PhysicianID
    public let centre: CentreID
    public let maxParallel: Int
    public let occurredAt: Timestamp
}

/// A physician paused: no new offers; open offers go back to the queue.
public struct PhysicianPaused: EventPayload {
    public static let eventType = "TNA.PhysicianPaused"
    public static let schemaVersion = 2
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// A paused physician takes offers again.
public struct PhysicianResumed: EventPayload {
    public static let eventType = "TNA.PhysicianResumed"
    public static let schemaVersion = 2
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// A physician signed off (active cases were requeued first).
public struct PhysicianSignedOff: EventPayload {
    public static let eventType = "TNA.PhysicianSignedOff"
    public static let schemaVersion = 2
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// A crew or Leitstelle asked for the Telenotarzt.
public struct ConsultationRequested: EventPayload {
    public static let eventType = "TNA.ConsultationRequested"
    /// 3: `request.note` is sealed (`{"case", "sealed"}`); 2 held it as clear text (read as `PersonalNote.clear`).
    public static let schemaVersion = 3
    public let request: ConsultationRequest
    public let occurredAt: Timestamp
}

/// The consultation was offered to a physician until `expiresAt`.
public struct ConsultationOffered: EventPayload {
    public static let eventType = "TNA.ConsultationOffered"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let physicianId: PhysicianID
    public let expiresAt: Timestamp
    public let occurredAt: Timestamp
}

/// The offer timed out: the physician is recorded as having missed it.
public struct OfferMissed: EventPayload {
    public static let eventType = "TNA.OfferMissed"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// The physician declined the offer.
public struct OfferDeclined: EventPayload {
    public static let eventType = "TNA.OfferDeclined"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// The physician accepted the offer.
public struct ConsultationAccepted: EventPayload {
    public static let eventType = "TNA.ConsultationAccepted"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// Audio/video is connected.
public struct ConsultationConnected: EventPayload {
    public static let eventType = "TNA.ConsultationConnected"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let occurredAt: Timestamp
}

/// The consultation ended with a disposition (and the destination hospital where transported).
public struct ConsultationEnded: EventPayload {
    public static let eventType = "TNA.ConsultationEnded"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let disposition: Disposition
    public let destination: HospitalID?
    public let occurredAt: Timestamp
}

/// The request was withdrawn, with a reason.
public struct ConsultationCancelled: EventPayload {
    public static let eventType = "TNA.ConsultationCancelled"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let reason: String
    public let occurredAt: Timestamp
}

/// A physical Notarzt (NEF) was requested; ends the consultation for the TNA.
public struct ConsultationEscalated: EventPayload {
    public static let eventType = "TNA.ConsultationEscalated"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let occurredAt: Timestamp
}

/// Back to the queue (physician signed off or the offer was withdrawn).
public struct ConsultationRequeued: EventPayload {
    public static let eventType = "TNA.ConsultationRequeued"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let physicianId: PhysicianID
    public let occurredAt: Timestamp
}

/// Waiting past 60 s: backup and other centres are alerted (and may take it where configured).
public struct BackupAlerted: EventPayload {
    public static let eventType = "TNA.BackupAlerted"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let occurredAt: Timestamp
}

/// Waiting past 5 min: the Leitstelle should consider a physical Notarzt.
public struct LeitstelleAlerted: EventPayload {
    public static let eventType = "TNA.LeitstelleAlerted"
    public static let schemaVersion = 2
    public let consultationId: ConsultationID
    public let occurredAt: Timestamp
}

extension TNAEvent {
    /// The payload's type: its stored name (`TNA.<Type>`, stable; never rename) and the schema version written.
    public var payloadType: any EventPayload.Type {
        switch self {
        case .physicianSignedOn: PhysicianSignedOn.self
        case .physicianPaused: PhysicianPaused.self
        case .physicianResumed: PhysicianResumed.self
        case .physicianSignedOff: PhysicianSignedOff.self
        case .requested: ConsultationRequested.self
        case .offered: ConsultationOffered.self
        case .offerMissed: OfferMissed.self
        case .offerDeclined: OfferDeclined.self
        case .accepted: ConsultationAccepted.self
        case .connected: ConsultationConnected.self
        case .ended: ConsultationEnded.self
        case .cancelled: ConsultationCancelled.self
        case .escalated: ConsultationEscalated.self
        case .requeued: ConsultationRequeued.self
        case .backupAlerted: BackupAlerted.self
        case .leitstelleAlerted: LeitstelleAlerted.self
        }
    }

    /// Every Telenotarzt event type, once.
    public static let payloadTypes: [any EventPayload.Type] = [
        PhysicianSignedOn.self, PhysicianPaused.self, PhysicianResumed.self, PhysicianSignedOff.self, ConsultationRequested.self,
        ConsultationOffered.self, OfferMissed.self, OfferDeclined.self, ConsultationAccepted.self, ConsultationConnected.self,
        ConsultationEnded.self, ConsultationCancelled.self, ConsultationEscalated.self, ConsultationRequeued.self, BackupAlerted.self,
        LeitstelleAlerted.self,
    ]

    /// The stored type name after `TNA.` (what the API answers for the events a request caused).
    public var caseName: String { String(payloadType.eventType.dropFirst(4)) }
}
