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
///
/// Open consultations (waiting, offered, accepted, connected) and closed ones are kept apart: a decision reads and
/// changes the open ones only, so its cost does not grow with a year of closed cases (issue 16).
public struct TNAState: Sendable, Hashable {
    public let network: TNANetwork
    public let rules: TNARules
    public var physicians: [PhysicianID: PhysicianState] = [:]
    /// Waiting, offered, accepted or connected.
    public private(set) var open: [ConsultationID: ConsultationState] = [:]
    /// Ended, cancelled or escalated.
    public private(set) var closed: [ConsultationID: ConsultationState] = [:]

    public init(network: TNANetwork, rules: TNARules = TNARules()) {
        self.network = network
        self.rules = rules
    }

    /// Every consultation, open or closed, by id.
    public var consultations: Consultations { Consultations(open: open, closed: closed) }

    /// A read-only view of all consultations (no copy: it shares the state's storage).
    public struct Consultations: Sendable {
        let open: [ConsultationID: ConsultationState]
        let closed: [ConsultationID: ConsultationState]

        public subscript(id: ConsultationID) -> ConsultationState? { open[id] ?? closed[id] }
        public var count: Int { open.count + closed.count }
        /// Open ones first, each part in no particular order.
        public var values: [ConsultationState] { Array(open.values) + Array(closed.values) }
    }

    /// Adds a consultation (replacing one with the same id, open or closed).
    mutating func insert(_ c: ConsultationState) {
        if c.status.isOpen {
            closed[c.request.id] = nil
            open[c.request.id] = c
        } else {
            open[c.request.id] = nil
            closed[c.request.id] = c
        }
    }

    /// Changes one consultation in place and moves it between open and closed when its status crossed over.
    /// Unknown ids change nothing (`evolve` is total).
    mutating func update(_ id: ConsultationID, _ body: (inout ConsultationState) -> Void) {
        if open[id] != nil {
            body(&open[id]!)
            if !open[id]!.status.isOpen { closed[id] = open.removeValue(forKey: id) }
        } else if closed[id] != nil {
            body(&closed[id]!)
            if closed[id]!.status.isOpen { open[id] = closed.removeValue(forKey: id) }
        }
    }

    /// The physicians and the given cases only: the small state a decision changes (its events touch these cases and
    /// the physicians), beside the unchanged queue — no copy of the queue per decision.
    func scratch(touching ids: [ConsultationID]) -> TNAState {
        var s = TNAState(network: network, rules: rules)
        s.physicians = physicians
        for id in ids { if let c = consultations[id] { s.insert(c) } }
        return s
    }

    /// Priority after aging: one step better for every `agingSeconds` waited, never better than 1.
    public func effectivePriority(_ c: ConsultationState, now: Timestamp) -> Int {
        let waited = Int64(now.minutes(since: c.requestedAt) * 60)
        return max(1, c.request.priority - Int(waited / max(1, rules.agingSeconds)))
    }

    /// Whether `a` is served before `b`: effective priority, then waiting time, then id.
    func servedBefore(_ a: ConsultationState, _ pa: Int, _ b: ConsultationState, _ pb: Int) -> Bool {
        if pa != pb { return pa < pb }
        if a.requestedAt != b.requestedAt { return a.requestedAt < b.requestedAt }
        return a.request.id < b.request.id
    }

    /// Waiting consultations in the order they are served: effective priority, then waiting time, then id.
    public func queue(at now: Timestamp) -> [ConsultationState] {
        open.values.filter { $0.status == .waiting }
            .map { ($0, effectivePriority($0, now: now)) }
            .sorted { servedBefore($0.0, $0.1, $1.0, $1.1) }
            .map(\.0)
    }

    /// The earliest time something is due (offer time-out, alert); the actor sleeps until then. Aging needs no
    /// deadline of its own: it only changes the order, which counts at the next assignment.
    public func nextDeadline() -> Timestamp? {
        var earliest: Timestamp? = nil
        func consider(_ t: Timestamp) { if earliest.map({ t < $0 }) ?? true { earliest = t } }
        for c in open.values {
            if c.status == .offered, let e = c.offerExpiresAt { consider(e) }
            if c.status == .waiting || c.status == .offered {
                if !c.backupAlerted { consider(c.requestedAt.adding(seconds: rules.backupAlertSeconds)) }
                if !c.leitstelleAlerted { consider(c.requestedAt.adding(seconds: rules.leitstelleAlertSeconds)) }
            }
        }
        return earliest
    }
}

/// Stored (fixtures, snapshots of tests) as one `consultations` object, as before open and closed were kept apart.
extension TNAState: Codable {
    enum CodingKeys: String, CodingKey { case network, rules, physicians, consultations }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(network: try c.decode(TNANetwork.self, forKey: .network), rules: try c.decode(TNARules.self, forKey: .rules))
        physicians = try c.decode([PhysicianID: PhysicianState].self, forKey: .physicians)
        for consultation in try c.decode([ConsultationID: ConsultationState].self, forKey: .consultations).values { insert(consultation) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(network, forKey: .network)
        try c.encode(rules, forKey: .rules)
        try c.encode(physicians, forKey: .physicians)
        try c.encode(open.merging(closed) { a, _ in a }, forKey: .consultations)
    }
}
