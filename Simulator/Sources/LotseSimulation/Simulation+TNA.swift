import Foundation
import LotseDemand
import LotseDomain
import LotseTelenotarzt

/// The Telenotarzt as the simulation plays it: physicians accept an offer after a few seconds (or miss it),
/// connect, consult for a lognormal time and end — or hand over to a physical Notarzt.
extension Simulation {
    /// Sends an input to the TNA service at the current simulated time and reacts to what it decided.
    func tnaHandle(_ input: TNAInput) async throws {
        let handled: [TNAEvent]? = try await command("tna") {
            do {
                return try await tna.handle(input, by: Self.dispatcher)
            } catch is TNAError {
                // A late answer to an offer that already timed out, for instance: refused, as a real console would be.
                return nil
            }
        }
        guard let events = handled else { return }
        for e in events { react(to: e) }
        if let deadline = await tna.state.nextDeadline(), deadline.millis < scheduledTick {
            scheduledTick = max(deadline.millis, now.millis)
            schedule(Timestamp(millis: scheduledTick), .tnaTick)
        }
    }

    func react(to e: TNAEvent) {
        switch e {
        case let .offered(id, p, _, at):
            guard let mi = consultations[id] else { return }
            let offers = (runs[mi]?.consultationOffers ?? 0) + 1
            runs[mi]?.consultationOffers = offers
            var rng = SimRandom(seed: scenario.seed, stream: 20_000_000 + UInt64(mi) * 16 + UInt64(offers))
            if rng.chance(scenario.tna.missedOfferShare) { return }
            schedule(at.adding(minutes: rng.exponential(mean: scenario.tna.acceptSeconds) / 60), .tnaAccept(id, p))
        case let .accepted(id, p, at):
            guard let mi = consultations[id], let requested = runs[mi]?.atSceneAt else { return }
            outcomes.tna.waitSeconds.add(Double(at.millis - requested.millis) / 1000)
            tnaPhysicians[id] = p
            schedule(at.adding(minutes: scenario.tna.connectSeconds / 60), .tnaConnect(id, p))
        case let .connected(id, at):
            guard let mi = consultations[id], let run = runs[mi], let p = tnaPhysician(id) else { return }
            outcomes.tna.connected += 1
            runs[mi]?.connectedAt = at
            schedule(at.adding(minutes: run.draws.tnaMinutes), .tnaEnd(id, p))
        case .offerMissed: outcomes.tna.offersMissed += 1
        case .backupAlerted: outcomes.tna.backupAlerts += 1
        case .leitstelleAlerted: outcomes.tna.leitstelleAlerts += 1
        default: break
        }
    }

    /// The patient is handed over before any Telenotarzt took the case: the crew calls the request off.
    func cancelUnansweredConsultation(_ mi: Int) async throws {
        guard let id = runs[mi]?.consultation, consultations[id] != nil, tnaPhysicians[id] == nil else { return }
        outcomes.tna.cancelled += 1
        consultations[id] = nil
        try await tnaHandle(.cancel(id, reason: "Patient bereits in der Klinik übergeben"))
    }

    func tnaPhysician(_ id: ConsultationID) -> PhysicianID? { tnaPhysicians[id] }

    /// The consultation ends: handed over to a Notarzt (escalated), or with the patient's disposition. A transported
    /// patient's destination is the Leitstelle's choice, or — before it is made — what Lotse ranks first now.
    func tnaEnd(_ id: ConsultationID, _ p: PhysicianID) async throws {
        guard let mi = consultations[id], let run = runs[mi] else { return }
        if let c = run.connectedAt { outcomes.tna.durationMinutes.add(now.minutes(since: c)) }
        if run.draws.tnaEscalated {
            outcomes.tna.escalatedToNotarzt += 1
            try await tnaHandle(.escalate(id))
        } else if run.mission.transported {
            let slot = try run.hospitalSlot ?? chooseHospital(run.mission).slot
            try await tnaHandle(.end(id, by: p, disposition: .transportedToHospital, destination: hospitals[slot].id))
        } else {
            try await tnaHandle(.end(id, by: p, disposition: .treatedOnScene))
        }
        consultations[id] = nil
        tnaPhysicians[id] = nil
        forgetIfIdle(mi)
    }
}
