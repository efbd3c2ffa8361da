import LotseDomain
import Testing

/// Given / when / then for announcements (Voranmeldung).
struct AnnouncementTests {
    let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
    let id = AnnouncementID("A-1")!
    let dispatcher = Principal(role: .dispatcher, id: "ils")
    let hospital = Principal(role: .hospital, id: "zna")

    func request(pzc: String = "421701", blocking: [ResourceKey] = [], override: String? = nil, eta: Double = 25, unit: String = "RTW-1") -> AnnouncementRequest {
        AnnouncementRequest(
            header: AnnouncementHeader(announcementId: id, hospitalId: HospitalID("772096")!, district: DistrictID("Vorpommern-Rügen"), unit: unit),
            pzc: try! PZC(parsing: pzc), flags: [.traumaBay, .ventilated, .traumaBay], eta: t0.adding(minutes: eta), bedCategory: .icuHighCare,
            blockingResources: blocking, overrideReason: override)
    }

    func given(_ events: [AnnouncementEvent], when c: AnnouncementCommand, at now: Timestamp, by p: Principal) throws(AnnouncementError) -> [AnnouncementEvent] {
        let s = events.reduce(nil as AnnouncementState?) { AnnouncementAggregate.evolve($0, $1) }
        return try AnnouncementAggregate.decide(c, state: s, now: now, by: p)
    }

    var announced: [AnnouncementEvent] { try! given([], when: .announce(request()), at: t0, by: dispatcher) }

    /// The crew reports the arrival, the hospital the hand-over: the offload delay is recorded.
    @Test func aCrewArrivalAwaitsTheHospitalsHandover() throws {
        let crew = Principal(role: .crew, id: "rtw-1")
        let arrivedAt = t0.adding(minutes: 30)
        let arrival = try given(announced, when: .arriveAwaitingHandover(at: nil), at: arrivedAt, by: crew)
        // Sent late (after a Funkloch), the report keeps the time it was made; never before the announcement or ahead.
        let late = try given(announced, when: .arriveAwaitingHandover(at: arrivedAt), at: arrivedAt.adding(minutes: 15), by: crew)
        guard case let .arrived(l)? = late.first else { Issue.record("expected PatientArrived"); return }
        #expect(l.arrivedAt == arrivedAt && l.occurredAt == arrivedAt.adding(minutes: 15))
        #expect(throws: AnnouncementError.arrivalOutOfRange(t0.adding(minutes: -1))) {
            try given(announced, when: .arriveAwaitingHandover(at: t0.adding(minutes: -1)), at: arrivedAt, by: crew)
        }
        guard case let .arrived(a)? = arrival.first else { Issue.record("expected PatientArrived"); return }
        #expect(a.arrivedAt == arrivedAt && a.handoverAt == nil)
        #expect(throws: AnnouncementError.notArrived) { try given(announced, when: .handOver(at: nil), at: arrivedAt, by: hospital) }
        #expect(throws: AnnouncementError.handoverOutOfRange(t0.adding(minutes: 29))) {
            try given(announced + arrival, when: .handOver(at: t0.adding(minutes: 29)), at: t0.adding(minutes: 45), by: hospital)
        }
        let handover = try given(announced + arrival, when: .handOver(at: nil), at: t0.adding(minutes: 42.5), by: hospital)
        guard case let .handedOver(h)? = handover.first else { Issue.record("expected PatientHandedOver"); return }
        #expect(h.handoverAt == t0.adding(minutes: 42.5) && h.offloadMinutes == 12.5)
        #expect(throws: AnnouncementError.alreadyHandedOver) { try given(announced + arrival + handover, when: .handOver(at: nil), at: t0.adding(minutes: 50), by: hospital) }
        // The hospital's own arrival report is arrival and hand-over at once, as before.
        let both = try given(announced, when: .arrive(handoverAt: nil), at: arrivedAt, by: hospital)
        guard case let .arrived(b)? = both.first else { Issue.record("expected PatientArrived"); return }
        #expect(b.arrivedAt == arrivedAt && b.handoverAt == arrivedAt)
    }

    @Test func announceRecordsEverythingOnce() throws {
        guard case let .announced(e)? = announced.first else { Issue.record("expected PatientAnnounced"); return }
        #expect(e.urgency == .red && e.pzc == "421701" && e.flags == [.ventilated, .traumaBay].sorted() && e.announcedBy == "dispatcher:ils")
        #expect(e.overrideReason == nil && e.overriddenResources.isEmpty)
        #expect(throws: AnnouncementError.alreadyExists(id)) { try given(announced, when: .announce(request()), at: t0, by: dispatcher) }
    }

    @Test func announcingDespiteAClosureNeedsAReasonAndIsRecorded() throws {
        #expect(throws: AnnouncementError.overrideReasonRequired([.strokeUnit])) {
            try given([], when: .announce(request(blocking: [.strokeUnit])), at: t0, by: dispatcher)
        }
        #expect(throws: AnnouncementError.overrideReasonRequired([.strokeUnit])) {
            try given([], when: .announce(request(blocking: [.strokeUnit], override: "  ")), at: t0, by: dispatcher)
        }
        let e = try given([], when: .announce(request(blocking: [.strokeUnit], override: "nächste Klinik 90 min")), at: t0, by: dispatcher)
        guard case let .announced(a)? = e.first else { Issue.record("expected PatientAnnounced"); return }
        #expect(a.overrideReason == "nächste Klinik 90 min" && a.overriddenResources == [.strokeUnit])
    }

    @Test func etaAndUnitAreValidated() {
        #expect(throws: AnnouncementError.etaOutOfRange(t0.adding(minutes: -20))) { try given([], when: .announce(request(eta: -20)), at: t0, by: dispatcher) }
        #expect(throws: AnnouncementError.etaOutOfRange(t0.adding(minutes: 13 * 60))) { try given([], when: .announce(request(eta: 13 * 60)), at: t0, by: dispatcher) }
        #expect(throws: AnnouncementError.unitRequired) { try given([], when: .announce(request(unit: " ")), at: t0, by: dispatcher) }
    }

    @Test func lifecycleAcknowledgeArriveAndNothingAfter() throws {
        let ack = try given(announced, when: .acknowledge, at: t0.adding(minutes: 1), by: hospital)
        #expect(throws: AnnouncementError.alreadyAcknowledged) { try given(announced + ack, when: .acknowledge, at: t0.adding(minutes: 2), by: hospital) }
        let arrived = try given(announced + ack, when: .arrive(handoverAt: nil), at: t0.adding(minutes: 25), by: hospital)
        let s = (announced + ack + arrived).reduce(nil as AnnouncementState?) { AnnouncementAggregate.evolve($0, $1) }!
        #expect(s.status == .arrived && s.handoverAt == t0.adding(minutes: 25) && s.acknowledgedBy == "hospital:zna" && !s.status.isEnRoute)
        #expect(throws: AnnouncementError.closed(.arrived)) { try given(announced + ack + arrived, when: .cancel(reason: "x"), at: t0.adding(minutes: 30), by: dispatcher) }
        #expect(throws: AnnouncementError.handoverOutOfRange(t0.adding(minutes: 40))) {
            try given(announced, when: .arrive(handoverAt: t0.adding(minutes: 40)), at: t0.adding(minutes: 30), by: hospital)
        }
    }

    @Test func cancelNeedsAReasonAndWorksFromEveryOpenStage() throws {
        #expect(throws: AnnouncementError.reasonRequired) { try given(announced, when: .cancel(reason: ""), at: t0, by: dispatcher) }
        let ack = try given(announced, when: .acknowledge, at: t0, by: hospital)
        for history in [announced, announced + ack] {
            let c = try given(history, when: .cancel(reason: "Patient verstorben"), at: t0.adding(minutes: 3), by: dispatcher)
            let s = (history + c).reduce(nil as AnnouncementState?) { AnnouncementAggregate.evolve($0, $1) }!
            #expect(s.status == .cancelled && s.cancelReason == "Patient verstorben")
        }
    }

    @Test func onlyUnacknowledgedRedAnnouncementsEscalateOnceAfterTheThreshold() throws {
        #expect(try given(announced, when: .escalate(thresholdSeconds: 120), at: t0.adding(seconds: 119), by: .system).isEmpty)
        let esc = try given(announced, when: .escalate(thresholdSeconds: 120), at: t0.adding(seconds: 121), by: .system)
        guard case let .escalated(e)? = esc.first else { Issue.record("expected AnnouncementEscalated"); return }
        #expect(e.waitedSeconds == 121)
        #expect(try given(announced + esc, when: .escalate(thresholdSeconds: 120), at: t0.adding(seconds: 300), by: .system).isEmpty)
        let ack = try given(announced, when: .acknowledge, at: t0.adding(seconds: 60), by: hospital)
        #expect(try given(announced + ack, when: .escalate(thresholdSeconds: 120), at: t0.adding(seconds: 300), by: .system).isEmpty)
        let yellow = try given([], when: .announce(request(pzc: "272402")), at: t0, by: dispatcher)
        #expect(try given(yellow, when: .escalate(thresholdSeconds: 120), at: t0.adding(seconds: 300), by: .system).isEmpty)
    }
}
