import LotseDomain

/// Where a physician stands.
public enum PhysicianStatus: String, Sendable, Hashable, Codable {
    case available, paused, signedOff
}

/// A physician as the dispatcher sees them.
public struct PhysicianState: Sendable, Hashable, Codable {
    public let id: PhysicianID
    public var centre: CentreID
    public var maxParallel: Int
    public var status: PhysicianStatus
    /// Consultations offered to, accepted or connected by this physician.
    public var assigned: Set<ConsultationID>
    /// Since when the physician has had nothing assigned (for "longest idle").
    public var idleSince: Timestamp
}

/// Where a consultation stands.
public enum ConsultationStatus: String, Sendable, Hashable, Codable {
    case waiting, offered, accepted, connected, ended, cancelled, escalated

    public var isOpen: Bool { [.waiting, .offered, .accepted, .connected].contains(self) }
}

/// A consultation with the timestamps documentation requires.
public struct ConsultationState: Sendable, Hashable, Codable {
    public private(set) var request: ConsultationRequest
    public var status: ConsultationStatus
    public let requestedAt: Timestamp
    public var physician: PhysicianID?
    public var offerExpiresAt: Timestamp?
    public var offeredAt: Timestamp?
    public var acceptedAt: Timestamp?
    public var connectedAt: Timestamp?
    public var endedAt: Timestamp?
    public var disposition: Disposition?
    /// The hospital the patient was taken to (with `transportedToHospital`).
    public var destination: HospitalID?
    /// Physicians who missed or declined it: not offered again.
    public var passedBy: Set<PhysicianID>
    public var missedOffers: Int
    public var backupAlerted: Bool
    public var leitstelleAlerted: Bool
}

extension ConsultationState {
    /// The same consultation without the crew's free text (personal data): for readers whose reads are not audited.
    public var withoutNote: ConsultationState { with(note: nil) }

    /// The same consultation with `note` in place of its stored free text (the opened text, for an authorised reader).
    public func with(note: PersonalNote?) -> ConsultationState {
        guard request.note != note else { return self }
        var copy = self
        let r = request
        copy.request = ConsultationRequest(id: r.id, kind: r.kind, priority: r.priority, district: r.district, position: r.position, pzc: r.pzc,
                                           unit: r.unit, note: note)
        return copy
    }
}

/// The whole dispatch state: folded from TNA events, so a restart from the log has the same queue and timers.
public struct TNAState: Sendable, Hashable, Codable {
    public let network: TNANetwork
    public let rules: TNARules
    public var physicians: [PhysicianID: PhysicianState] = [:]
    public var consultations: [ConsultationID: ConsultationState] = [:]

    public init(network: TNANetwork, rules: TNARules = TNARules()) {
        self.network = network
        self.rules = rules
    }

    /// Priority after aging: one step better for every `agingSeconds` waited, never better than 1.
    public func effectivePriority(_ c: ConsultationState, now: Timestamp) -> Int {
        let waited = Int64(now.minutes(since: c.requestedAt) * 60)
        return max(1, c.request.priority - Int(waited / max(1, rules.agingSeconds)))
    }

    /// Waiting consultations in the order they are served: effective priority, then waiting time, then id.
    public func queue(at now: Timestamp) -> [ConsultationState] {
        consultations.values.filter { $0.status == .waiting }.sorted { a, b in
            let (pa, pb) = (effectivePriority(a, now: now), effectivePriority(b, now: now))
            if pa != pb { return pa < pb }
            if a.requestedAt != b.requestedAt { return a.requestedAt < b.requestedAt }
            return a.request.id < b.request.id
        }
    }

    /// The earliest time something is due (offer time-out, alert); the actor sleeps until then. Aging needs no
    /// deadline of its own: it only changes the order, which counts at the next assignment.
    public func nextDeadline() -> Timestamp? {
        var times: [Timestamp] = []
        for c in consultations.values where c.status.isOpen {
            if c.status == .offered, let e = c.offerExpiresAt { times.append(e) }
            if c.status == .waiting || c.status == .offered {
                if !c.backupAlerted { times.append(c.requestedAt.adding(seconds: rules.backupAlertSeconds)) }
                if !c.leitstelleAlerted { times.append(c.requestedAt.adding(seconds: rules.leitstelleAlertSeconds)) }
            }
        }
        return times.min()
    }
}
