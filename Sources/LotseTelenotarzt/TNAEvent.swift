import LotseDomain

/// A consultation request as the crew sends it.
public struct ConsultationRequest: Sendable, Hashable, Codable {
    public let id: ConsultationID
    public let kind: ConsultationKind
    /// 1 life-threatening / bridging until the NEF, 2 delegated therapy, 3 advice, 4 secondary / planning.
    public let priority: Int
    public let district: DistrictID
    public let position: GeoPoint?
    public let pzc: String?
    public let unit: String
    /// The crew's short free text (≤ 200 characters; personal data — Docs/EVENTS.md): sealed under the case's key
    /// since schema version 3, clear in older events, absent when none was given.
    public let note: PersonalNote?

    public init(id: ConsultationID, kind: ConsultationKind, priority: Int, district: DistrictID, position: GeoPoint?, pzc: String?, unit: String,
                note: PersonalNote? = nil) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.district = district
        self.position = position
        self.pzc = pzc
        self.unit = unit
        self.note = note
    }
}

/// What happened in Telenotarzt dispatch (facts; the actor appends them and schedules the next tick).
public enum TNAEvent: Sendable, Hashable, Codable {
    case physicianSignedOn(PhysicianID, centre: CentreID, maxParallel: Int, at: Timestamp)
    case physicianPaused(PhysicianID, at: Timestamp)
    case physicianResumed(PhysicianID, at: Timestamp)
    case physicianSignedOff(PhysicianID, at: Timestamp)
    case requested(ConsultationRequest, at: Timestamp)
    case offered(ConsultationID, to: PhysicianID, expiresAt: Timestamp, at: Timestamp)
    /// The offer timed out: the physician is recorded as having missed it.
    case offerMissed(ConsultationID, by: PhysicianID, at: Timestamp)
    case offerDeclined(ConsultationID, by: PhysicianID, at: Timestamp)
    case accepted(ConsultationID, by: PhysicianID, at: Timestamp)
    case connected(ConsultationID, at: Timestamp)
    case ended(ConsultationID, disposition: Disposition, destination: HospitalID?, at: Timestamp)
    case cancelled(ConsultationID, reason: String, at: Timestamp)
    /// A physical Notarzt (NEF) was requested; ends the consultation for the TNA.
    case escalated(ConsultationID, at: Timestamp)
    /// Back to the queue (physician signed off or the offer was withdrawn).
    case requeued(ConsultationID, from: PhysicianID, at: Timestamp)
    /// Waiting past 60 s: backup and other centres are alerted (and may take it where configured).
    case backupAlerted(ConsultationID, at: Timestamp)
    /// Waiting past 5 min: the Leitstelle should consider a physical Notarzt.
    case leitstelleAlerted(ConsultationID, at: Timestamp)
}

extension TNAEvent {
    /// The consultation the event is about (nil for a physician's own events).
    /// When it happened.
    public var at: Timestamp {
        switch self {
        case let .physicianSignedOn(_, _, _, t), let .physicianPaused(_, t), let .physicianResumed(_, t), let .physicianSignedOff(_, t),
             let .requested(_, t), let .offered(_, _, _, t), let .offerMissed(_, _, t), let .offerDeclined(_, _, t), let .accepted(_, _, t),
             let .connected(_, t), let .ended(_, _, _, t), let .cancelled(_, _, t), let .escalated(_, t), let .requeued(_, _, t),
             let .backupAlerted(_, t), let .leitstelleAlerted(_, t):
            t
        }
    }

    public var consultationId: ConsultationID? {
        switch self {
        case let .requested(r, _): r.id
        case .physicianSignedOn, .physicianPaused, .physicianResumed, .physicianSignedOff: nil
        case let .offered(id, _, _, _), let .offerMissed(id, _, _), let .offerDeclined(id, _, _), let .accepted(id, _, _), let .connected(id, _),
             let .ended(id, _, _, _), let .cancelled(id, _, _), let .escalated(id, _), let .requeued(id, _, _), let .backupAlerted(id, _),
             let .leitstelleAlerted(id, _):
            id
        }
    }
}
