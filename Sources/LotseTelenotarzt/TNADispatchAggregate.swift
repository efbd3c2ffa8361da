import LotseDomain

/// What a crew, a physician or the clock tells the dispatcher.
public enum TNAInput: Sendable, Hashable {
    case signOn(PhysicianID, centre: CentreID, maxParallel: Int)
    case pause(PhysicianID)
    case resume(PhysicianID)
    case signOff(PhysicianID)
    case request(ConsultationRequest)
    case accept(ConsultationID, by: PhysicianID)
    case decline(ConsultationID, by: PhysicianID)
    case connect(ConsultationID, by: PhysicianID)
    /// `destination`: the hospital the patient is taken to (required with `transportedToHospital`).
    case end(ConsultationID, by: PhysicianID, disposition: Disposition, destination: HospitalID? = nil)
    case escalate(ConsultationID)
    case cancel(ConsultationID, reason: String)
    /// Time passed: offers time out, alerts fire, queued cases are offered.
    case tick

    /// The stable name recorded in the metadata of the events it causes.
    public var name: String {
        switch self {
        case .signOn: "SignOnPhysician"
        case .pause: "PausePhysician"
        case .resume: "ResumePhysician"
        case .signOff: "SignOffPhysician"
        case .request: "RequestConsultation"
        case .accept: "AcceptOffer"
        case .decline: "DeclineOffer"
        case .connect: "ConnectConsultation"
        case .end: "EndConsultation"
        case .escalate: "EscalateConsultation"
        case .cancel: "CancelConsultation"
        case .tick: "Tick"
        }
    }
}

/// Why an input was refused. Each case says what the caller should do.
public enum TNAError: Error, Equatable, Sendable {
    /// Unknown centre; check the network configuration.
    case unknownCentre(CentreID)
    /// 1–3 parallel consultations.
    case invalidParallelLimit(Int)
    /// Sign on first.
    case notSignedOn(PhysicianID)
    case unknownConsultation(ConsultationID)
    case duplicateConsultation(ConsultationID)
    /// Priority 1–4.
    case invalidPriority(Int)
    /// No centre is contracted for this district.
    case districtNotServed(DistrictID)
    /// The consultation is not offered to this physician (any more).
    case notOfferedTo(PhysicianID)
    /// Not this physician's consultation.
    case notAssignedTo(PhysicianID)
    /// The step does not fit the consultation's state.
    case invalidTransition(ConsultationStatus)
    case reasonRequired
    /// "Transported to hospital X" needs X.
    case destinationRequired
}

/// The Telenotarzt dispatcher as a pure state machine (DESIGN §5): `decide` turns an input at a time into events,
/// including the assignments that follow; `evolve` applies them. No clock, no I/O. One instance is one network
/// (centres, districts) with its rules: the state before the first event.
public struct TNADispatchAggregate: Sendable {
    public let network: TNANetwork
    public let rules: TNARules

    public init(network: TNANetwork, rules: TNARules = TNARules()) {
        self.network = network
        self.rules = rules
    }

    public static func decide(_ input: TNAInput, state s: TNAState, now: Timestamp) throws(TNAError) -> [TNAEvent] {
        var events: [TNAEvent] = []
        switch input {
        case let .signOn(p, centre, maxParallel):
            guard s.network.centres.contains(where: { $0.id == centre }) else { throw .unknownCentre(centre) }
            guard (1...3).contains(maxParallel) else { throw .invalidParallelLimit(maxParallel) }
            events.append(.physicianSignedOn(p, centre: centre, maxParallel: maxParallel, at: now))
        case let .pause(p):
            guard let ph = s.physicians[p], ph.status != .signedOff else { throw .notSignedOn(p) }
            events.append(.physicianPaused(p, at: now))
            events += withdrawOffers(of: ph, s, now)
        case let .resume(p):
            guard let ph = s.physicians[p], ph.status != .signedOff else { throw .notSignedOn(p) }
            events.append(.physicianResumed(p, at: now))
        case let .signOff(p):
            guard let ph = s.physicians[p], ph.status != .signedOff else { throw .notSignedOn(p) }
            // Active cases go back to the queue first, then the physician leaves.
            for id in ph.assigned.sorted() { events.append(.requeued(id, from: p, at: now)) }
            events.append(.physicianSignedOff(p, at: now))
        case let .request(r):
            guard s.consultations[r.id] == nil else { throw .duplicateConsultation(r.id) }
            guard (1...4).contains(r.priority) else { throw .invalidPriority(r.priority) }
            guard !s.network.primaryCentres(for: r.district).isEmpty else { throw .districtNotServed(r.district) }
            events.append(.requested(r, at: now))
        case let .accept(id, p):
            let c = try consultation(id, s)
            guard c.status == .offered, c.physician == p else { throw .notOfferedTo(p) }
            events.append(.accepted(id, by: p, at: now))
        case let .decline(id, p):
            let c = try consultation(id, s)
            guard c.status == .offered, c.physician == p else { throw .notOfferedTo(p) }
            events.append(.offerDeclined(id, by: p, at: now))
        case let .connect(id, p):
            let c = try consultation(id, s)
            guard c.physician == p else { throw .notAssignedTo(p) }
            guard c.status == .accepted else { throw .invalidTransition(c.status) }
            events.append(.connected(id, at: now))
        case let .end(id, p, disposition, destination):
            let c = try consultation(id, s)
            guard c.physician == p else { throw .notAssignedTo(p) }
            guard c.status == .accepted || c.status == .connected else { throw .invalidTransition(c.status) }
            if disposition == .transportedToHospital, destination == nil { throw .destinationRequired }
            events.append(.ended(id, disposition: disposition, destination: destination, at: now))
        case let .escalate(id):
            let c = try consultation(id, s)
            guard c.status.isOpen else { throw .invalidTransition(c.status) }
            events.append(.escalated(id, at: now))
        case let .cancel(id, reason):
            let c = try consultation(id, s)
            guard c.status.isOpen else { throw .invalidTransition(c.status) }
            guard !reason.trimmedWhitespace.isEmpty else { throw .reasonRequired }
            events.append(.cancelled(id, reason: reason.trimmedWhitespace, at: now))
        case .tick:
            for c in s.open.values.sorted(by: { $0.request.id < $1.request.id }) {
                if c.status == .offered, let e = c.offerExpiresAt, e <= now, let p = c.physician {
                    events.append(.offerMissed(c.request.id, by: p, at: now))
                }
                if c.status == .waiting || c.status == .offered {
                    if !c.backupAlerted, c.requestedAt.adding(seconds: s.rules.backupAlertSeconds) <= now {
                        events.append(.backupAlerted(c.request.id, at: now))
                    }
                    if !c.leitstelleAlerted, c.requestedAt.adding(seconds: s.rules.leitstelleAlertSeconds) <= now {
                        events.append(.leitstelleAlerted(c.request.id, at: now))
                    }
                }
            }
        }
        // Whatever changed, offer what waits to whoever is free: the events applied to the physicians and the cases they
        // touch, beside the queue as it was.
        var changed = s.scratch(touching: events.compactMap(\.consultationId))
        for e in events { apply(&changed, e) }
        return events + assignments(queue: s.open, changed: changed, now: now)
    }

    static func consultation(_ id: ConsultationID, _ s: TNAState) throws(TNAError) -> ConsultationState {
        guard let c = s.consultations[id] else { throw .unknownConsultation(id) }
        return c
    }

    static func withdrawOffers(of p: PhysicianState, _ s: TNAState, _ now: Timestamp) -> [TNAEvent] {
        p.assigned.sorted().compactMap { id in s.consultations[id]?.status == .offered ? .requeued(id, from: p.id, at: now) : nil }
    }

    /// Offers for the queue, in queue order: to the eligible physician with the fewest assigned cases, then the
    /// longest idle, then the id. Eligible: available, below the parallel limit, centre serves the district
    /// (backup centres only after the backup alert), and has not missed or declined this case.
    ///
    /// The same as walking the sorted queue once (a case no free physician may take stays so: offers only use up
    /// places), without sorting it: while someone is free, the first waiting case in queue order that one of them may
    /// take is found in one pass. With nobody free a decision costs O(physicians), not O(queue · log queue).
    ///
    /// - Parameters:
    ///   - queue: the open cases before the decision's events.
    ///   - changed: the physicians after them and the cases they touched (which stand for their entries in `queue`).
    static func assignments(queue base: [ConsultationID: ConsultationState], changed: TNAState, now: Timestamp) -> [TNAEvent] {
        var s = changed
        var events: [TNAEvent] = []
        while true {
            let free = s.physicians.values.filter { $0.status == .available && $0.assigned.count < $0.maxParallel }
            guard !free.isEmpty else { break }
            var first: (c: ConsultationState, priority: Int)? = nil
            func consider(_ c: ConsultationState) {
                guard c.status == .waiting else { return }
                let priority = s.effectivePriority(c, now: now)
                if let f = first, !s.servedBefore(c, priority, f.c, f.priority) { return }
                if free.contains(where: { eligible($0, c, s.network) }) { first = (c, priority) }
            }
            for c in s.open.values { consider(c) }
            // Usually a handful of ids: a linear look is cheaper than hashing every case of the queue; a tick that
            // touched many cases hashes.
            let shadowed = Array(s.open.keys) + Array(s.closed.keys)
            if shadowed.count <= 8 {
                for c in base.values where !shadowed.contains(c.request.id) { consider(c) }
            } else {
                let set = Set(shadowed)
                for c in base.values where !set.contains(c.request.id) { consider(c) }
            }
            guard let c = first?.c,
                  let chosen = free.filter({ eligible($0, c, s.network) }).min(by: { a, b in
                      if a.assigned.count != b.assigned.count { return a.assigned.count < b.assigned.count }
                      if a.idleSince != b.idleSince { return a.idleSince < b.idleSince }
                      return a.id < b.id
                  })
            else { break }
            if s.open[c.request.id] == nil { s.insert(c) }
            let e = TNAEvent.offered(c.request.id, to: chosen.id, expiresAt: now.adding(seconds: s.rules.offerTimeoutSeconds), at: now)
            events.append(e)
            apply(&s, e)
        }
        return events
    }

    /// Whether a free physician may take a case: not passed over by them, and their centre serves its district
    /// (backup centres only after the backup alert).
    static func eligible(_ p: PhysicianState, _ c: ConsultationState, _ network: TNANetwork) -> Bool {
        !c.passedBy.contains(p.id) && network.serves(p.centre, c.request.district, overflow: c.backupAlerted)
    }

    /// Applies an event. Never fails.
    public static func evolve(_ state: TNAState, _ event: TNAEvent) -> TNAState {
        var s = state
        apply(&s, event)
        return s
    }

    /// Applies an event in place (no copy when the state is held only by the caller).
    public static func apply(_ s: inout TNAState, _ event: TNAEvent) {
        func release(_ id: ConsultationID, _ now: Timestamp) {
            guard let p = s.consultations[id]?.physician else { return }
            s.physicians[p]?.assigned.remove(id)
            if s.physicians[p]?.assigned.isEmpty == true { s.physicians[p]?.idleSince = now }
        }
        // Back to the queue: nobody holds it, no offer runs.
        func requeue(_ id: ConsultationID, _ now: Timestamp) {
            release(id, now)
            s.update(id) { c in
                c.status = .waiting
                c.physician = nil
                c.offerExpiresAt = nil
            }
        }
        // Over for the Telenotarzt: ended, cancelled or escalated.
        func close(_ id: ConsultationID, _ status: ConsultationStatus, _ now: Timestamp, _ more: (inout ConsultationState) -> Void = { _ in }) {
            release(id, now)
            s.update(id) { c in
                c.status = status
                c.endedAt = now
                more(&c)
            }
        }
        switch event {
        case let .physicianSignedOn(p, centre, maxParallel, at):
            if let existing = s.physicians[p], existing.status != .signedOff {
                // Signing on again changes the limit (and centre); the cases stay.
                s.physicians[p]?.centre = centre
                s.physicians[p]?.maxParallel = maxParallel
            } else {
                s.physicians[p] = PhysicianState(id: p, centre: centre, maxParallel: maxParallel, status: .available, assigned: [], idleSince: at)
            }
        case let .physicianPaused(p, _): s.physicians[p]?.status = .paused
        case let .physicianResumed(p, _): s.physicians[p]?.status = .available
        case let .physicianSignedOff(p, _):
            s.physicians[p]?.status = .signedOff
            s.physicians[p]?.assigned = []
        case let .requested(r, at):
            s.insert(ConsultationState(
                request: r, status: .waiting, requestedAt: at, physician: nil, offerExpiresAt: nil, offeredAt: nil, acceptedAt: nil,
                connectedAt: nil, endedAt: nil, disposition: nil, destination: nil, passedBy: [], missedOffers: 0, backupAlerted: false, leitstelleAlerted: false))
        case let .offered(id, p, expiresAt, at):
            s.update(id) { c in
                c.status = .offered
                c.physician = p
                c.offerExpiresAt = expiresAt
                if c.offeredAt == nil { c.offeredAt = at }
            }
            s.physicians[p]?.assigned.insert(id)
        case let .offerMissed(id, p, at), let .offerDeclined(id, p, at):
            requeue(id, at)
            let missed = if case .offerMissed = event { 1 } else { 0 }
            s.update(id) { c in
                c.missedOffers += missed
                c.passedBy.insert(p)
            }
        case let .requeued(id, _, at):
            requeue(id, at)
        case let .accepted(id, _, at):
            s.update(id) { c in
                c.status = .accepted
                c.acceptedAt = at
                c.offerExpiresAt = nil
            }
        case let .connected(id, at):
            s.update(id) { c in
                c.status = .connected
                c.connectedAt = at
            }
        case let .ended(id, disposition, destination, at):
            close(id, .ended, at) { c in
                c.disposition = disposition
                c.destination = destination
            }
        case let .cancelled(id, _, at):
            close(id, .cancelled, at)
        case let .escalated(id, at):
            close(id, .escalated, at)
        case let .backupAlerted(id, _): s.update(id) { $0.backupAlerted = true }
        case let .leitstelleAlerted(id, _): s.update(id) { $0.leitstelleAlerted = true }
        }
    }
}
