import LotseDomain
import LotseTelenotarzt
import Testing

/// The dispatcher on a test clock: every case of issue 4's "Done when" list for the state machine.
struct TNADispatchAggregateTests {
    let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
    let rügen = DistrictID("Vorpommern-Rügen"), schwerin = DistrictID("Schwerin")
    let greifswald = CentreID("TNA-Greifswald"), backup = CentreID("TNA-Backup")
    let a = PhysicianID("dr-a"), b = PhysicianID("dr-b"), c = PhysicianID("dr-c")

    var network: TNANetwork {
        TNANetwork(centres: [
            .init(id: greifswald, name: "Greifswald", districts: [rügen, schwerin]),
            .init(id: backup, name: "Backup", districts: [], backupFor: [greifswald]),
        ])
    }

    /// Runs inputs in order, each at its time, and keeps the state and all events.
    struct Run {
        var state: TNAState
        var events: [TNAEvent] = []

        mutating func send(_ input: TNAInput, at now: Timestamp) throws(TNAError) -> [TNAEvent] {
            let e = try TNADispatchAggregate.decide(input, state: state, now: now)
            state = e.reduce(state) { TNADispatchAggregate.evolve($0, $1) }
            events += e
            return e
        }
    }

    func request(_ id: String, priority: Int = 1, district: DistrictID? = nil) -> TNAInput {
        .request(ConsultationRequest(id: ConsultationID(id), kind: .bridgingUntilNEF, priority: priority, district: district ?? rügen,
                                     position: GeoPoint(lat: 54.4, lon: 13.4), pzc: "421701", unit: "RTW-1"))
    }

    @Test func aFreePhysicianGetsTheOfferAtOnce() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 1), at: t0)
        let e = try r.send(request("k1"), at: t0.adding(seconds: 5))
        #expect(e.contains(.offered(ConsultationID("k1"), to: a, expiresAt: t0.adding(seconds: 35), at: t0.adding(seconds: 5))))
        _ = try r.send(.accept(ConsultationID("k1"), by: a), at: t0.adding(seconds: 9))
        _ = try r.send(.connect(ConsultationID("k1"), by: a), at: t0.adding(seconds: 12))
        #expect(throws: TNAError.destinationRequired) {
            try r.send(.end(ConsultationID("k1"), by: a, disposition: .transportedToHospital), at: t0.adding(seconds: 1400))
        }
        _ = try r.send(.end(ConsultationID("k1"), by: a, disposition: .treatedOnScene), at: t0.adding(seconds: 1500))
        let k = try #require(r.state.consultations[ConsultationID("k1")])
        #expect(k.status == .ended && k.offeredAt == t0.adding(seconds: 5) && k.acceptedAt == t0.adding(seconds: 9)
            && k.connectedAt == t0.adding(seconds: 12) && k.endedAt == t0.adding(seconds: 1500) && k.disposition == .treatedOnScene)
        #expect(r.state.physicians[a]?.assigned.isEmpty == true && r.state.physicians[a]?.idleSince == t0.adding(seconds: 1500))
    }

    @Test func theQueueServesPriorityThenWaitingTimeWithAging() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(request("advice", priority: 3), at: t0)
        _ = try r.send(request("red", priority: 1), at: t0.adding(seconds: 10))
        _ = try r.send(request("planning", priority: 4), at: t0.adding(seconds: 20))
        #expect(r.state.queue(at: t0.adding(seconds: 30)).map(\.request.id.rawValue) == ["red", "advice", "planning"])
        // After 240 s "advice" (3) has aged to 1 and waited longest: it comes first.
        #expect(r.state.queue(at: t0.adding(seconds: 245)).map(\.request.id.rawValue) == ["advice", "red", "planning"])
        let e = try r.send(.signOn(a, centre: greifswald, maxParallel: 1), at: t0.adding(seconds: 40))
        #expect(e.contains { if case .offered(ConsultationID("red"), a, _, _) = $0 { true } else { false } })
    }

    @Test func anUnansweredOfferTimesOutAndGoesToTheNextPhysician() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 1), at: t0)
        _ = try r.send(.signOn(b, centre: greifswald, maxParallel: 1), at: t0.adding(seconds: 1))
        _ = try r.send(request("k1"), at: t0.adding(seconds: 10))   // a is idle longest
        #expect(r.state.consultations[ConsultationID("k1")]?.physician == a)
        #expect(try r.send(.tick, at: t0.adding(seconds: 39)).isEmpty)
        let e = try r.send(.tick, at: t0.adding(seconds: 40))
        #expect(e.first == .offerMissed(ConsultationID("k1"), by: a, at: t0.adding(seconds: 40)))
        #expect(e.contains(.offered(ConsultationID("k1"), to: b, expiresAt: t0.adding(seconds: 70), at: t0.adding(seconds: 40))))
        #expect(r.state.consultations[ConsultationID("k1")]?.missedOffers == 1)
        // b declines: a missed it already, so nobody is offered it; it waits.
        let d = try r.send(.decline(ConsultationID("k1"), by: b), at: t0.adding(seconds: 45))
        #expect(d == [.offerDeclined(ConsultationID("k1"), by: b, at: t0.adding(seconds: 45))])
        #expect(r.state.consultations[ConsultationID("k1")]?.status == .waiting)
        #expect(throws: TNAError.notOfferedTo(a)) { try r.send(.accept(ConsultationID("k1"), by: a), at: t0.adding(seconds: 46)) }
    }

    @Test func aDistrictNoCentreServesIsRefused() {
        var r = Run(state: TNAState(network: network))
        #expect(throws: TNAError.districtNotServed(DistrictID("Uckermark"))) { try r.send(request("k", district: DistrictID("Uckermark")), at: t0) }
        #expect(throws: TNAError.invalidPriority(5)) { try r.send(request("k", priority: 5), at: t0) }
        #expect(throws: TNAError.invalidParallelLimit(4)) { try r.send(.signOn(a, centre: greifswald, maxParallel: 4), at: t0) }
    }

    @Test func signingOffHandsActiveCasesBackToTheQueueFirst() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 2), at: t0)
        _ = try r.send(request("k1"), at: t0.adding(seconds: 1))
        _ = try r.send(.accept(ConsultationID("k1"), by: a), at: t0.adding(seconds: 2))
        _ = try r.send(.signOn(b, centre: greifswald, maxParallel: 1), at: t0.adding(seconds: 3))
        let e = try r.send(.signOff(a), at: t0.adding(seconds: 60))
        #expect(Array(e.prefix(2)) == [.requeued(ConsultationID("k1"), from: a, at: t0.adding(seconds: 60)), .physicianSignedOff(a, at: t0.adding(seconds: 60))])
        #expect(e.contains(.offered(ConsultationID("k1"), to: b, expiresAt: t0.adding(seconds: 90), at: t0.adding(seconds: 60))))
    }

    @Test func waitingCasesAlertTheBackupAt60sAndTheLeitstelleAt5MinutesOnce() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(request("k1"), at: t0)
        _ = try r.send(.signOn(c, centre: backup, maxParallel: 1), at: t0.adding(seconds: 1))
        #expect(r.state.consultations[ConsultationID("k1")]?.status == .waiting, "backup centres take over only after the alert")
        #expect(r.state.nextDeadline() == t0.adding(seconds: 60))
        let e = try r.send(.tick, at: t0.adding(seconds: 61))
        #expect(e.first == .backupAlerted(ConsultationID("k1"), at: t0.adding(seconds: 61)))
        #expect(e.contains(.offered(ConsultationID("k1"), to: c, expiresAt: t0.adding(seconds: 91), at: t0.adding(seconds: 61))))
        _ = try r.send(.decline(ConsultationID("k1"), by: c), at: t0.adding(seconds: 62))
        #expect(try r.send(.tick, at: t0.adding(seconds: 299)).isEmpty)
        #expect(try r.send(.tick, at: t0.adding(seconds: 300)) == [.leitstelleAlerted(ConsultationID("k1"), at: t0.adding(seconds: 300))])
        #expect(try r.send(.tick, at: t0.adding(seconds: 400)).isEmpty)
    }

    @Test(arguments: ["waiting", "offered", "accepted", "connected"])
    func cancellationAndEscalationWorkAtEveryStage(stage: String) throws {
        for last in [TNAInput.cancel(ConsultationID("k1"), reason: "Patient transportiert"), .escalate(ConsultationID("k1"))] {
            var r = Run(state: TNAState(network: network))
            _ = try r.send(request("k1"), at: t0)
            if stage != "waiting" { _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 1), at: t0.adding(seconds: 1)) }
            if stage == "accepted" || stage == "connected" { _ = try r.send(.accept(ConsultationID("k1"), by: a), at: t0.adding(seconds: 2)) }
            if stage == "connected" { _ = try r.send(.connect(ConsultationID("k1"), by: a), at: t0.adding(seconds: 3)) }
            #expect(r.state.consultations[ConsultationID("k1")]?.status.rawValue == stage)
            _ = try r.send(last, at: t0.adding(seconds: 10))
            let k = try #require(r.state.consultations[ConsultationID("k1")])
            #expect(k.status == (last == .escalate(ConsultationID("k1")) ? .escalated : .cancelled) && k.endedAt == t0.adding(seconds: 10))
            #expect(r.state.physicians[a]?.assigned.isEmpty ?? true)
            #expect(throws: TNAError.invalidTransition(k.status)) { try r.send(.escalate(ConsultationID("k1")), at: t0.adding(seconds: 11)) }
        }
    }

    @Test func fewestActiveFirstThenLongestIdle() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 3), at: t0)
        _ = try r.send(.signOn(b, centre: greifswald, maxParallel: 3), at: t0.adding(seconds: 5))
        _ = try r.send(request("k1"), at: t0.adding(seconds: 10))
        _ = try r.send(request("k2"), at: t0.adding(seconds: 11))
        _ = try r.send(request("k3"), at: t0.adding(seconds: 12))
        let byPhysician = Dictionary(grouping: r.state.consultations.values, by: { $0.physician })
        #expect(byPhysician[a]?.map(\.request.id.rawValue).sorted() == ["k1", "k3"] && byPhysician[b]?.map(\.request.id.rawValue) == ["k2"])
    }

    /// Restart: a state folded from the log behaves exactly like the one that produced the log.
    @Test func aRestartFromTheLogMidQueueBehavesIdentically() throws {
        var r = Run(state: TNAState(network: network))
        _ = try r.send(.signOn(a, centre: greifswald, maxParallel: 1), at: t0)
        _ = try r.send(request("k1", priority: 2), at: t0.adding(seconds: 1))
        _ = try r.send(request("k2", priority: 1), at: t0.adding(seconds: 2))
        _ = try r.send(request("k3", priority: 3, district: schwerin), at: t0.adding(seconds: 3))
        _ = try r.send(.tick, at: t0.adding(seconds: 40))
        var restarted = Run(state: r.events.reduce(TNAState(network: network)) { TNADispatchAggregate.evolve($0, $1) })
        #expect(restarted.state == r.state)
        #expect(restarted.state.nextDeadline() == r.state.nextDeadline())
        let more: [(TNAInput, Int64)] = [
            (.signOn(b, centre: greifswald, maxParallel: 2), 45), (.tick, 61), (.accept(ConsultationID("k2"), by: b), 62), (.tick, 100), (.tick, 301),
        ]
        var produced = 0
        for (input, s) in more {
            let original = try? r.send(input, at: t0.adding(seconds: s))
            let again = try? restarted.send(input, at: t0.adding(seconds: s))
            #expect(original == again, "\(input)")
            if let original, !original.isEmpty { produced += 1 }
        }
        #expect(produced >= 4, "the continuation must exercise offers, alerts and acceptance")
        #expect(restarted.state == r.state)
    }
}
