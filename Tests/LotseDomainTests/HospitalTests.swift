import LotseDomain
import Testing

/// Given / when / then for the hospital aggregate.
struct HospitalTests {
    let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
    let id = HospitalID("773589")!

    var registration: HospitalRegistration {
        HospitalRegistration(
            id: id, name: "Universitätsmedizin Greifswald", position: GeoPoint(lat: 54.09, lon: 13.40)!,
            district: DistrictID("Vorpommern-Greifswald"), notfallstufe: 3, kinderNotfallstufe: 3,
            profile: ResourceSet([.strokeUnit, .ct, .icu]))
    }

    /// Folds `given` events, then decides `when`.
    func given(_ events: [HospitalEvent], when command: HospitalCommand, at now: Timestamp) throws(HospitalError) -> [HospitalEvent] {
        let state = events.reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }
        return try HospitalAggregate.decide(command, state: state, now: now)
    }

    var registered: [HospitalEvent] { [try! HospitalAggregate.decide(.register(registration), state: nil, now: t0)[0]] }

    @Test func registerEmitsRegisteredWithTheData() throws {
        let events = try given([], when: .register(registration), at: t0)
        guard case let .registered(e) = events.first, events.count == 1 else { Issue.record("expected one HospitalRegistered"); return }
        #expect(e.hospitalId == id && e.notfallstufe == 3 && e.profile.contains(.strokeUnit) && e.occurredAt == t0)
    }

    /// "Alles unverändert bestätigen": every reported status again at `now`; a closure stays, a resource never
    /// reported stays unknown, an expired closure counts as the available it has become.
    @Test func confirmAllReReportsEveryReportedStatusAndNothingElse() throws {
        let t1 = t0.adding(minutes: 10), later = t0.adding(minutes: 600)
        var history = registered
        history += try given(history, when: .reportStatus(.ct, .limited), at: t1)
        history += try given(history, when: .close(.strokeUnit, reason: "Personalmangel", until: t0.adding(minutes: 120)), at: t1)
        // icu never reported.
        let confirmed = try given(history, when: .confirmAll(maxAgeMinutes: 720), at: later)
        let reported = confirmed.compactMap { e -> (ResourceKey, ReportedStatus, Timestamp)? in
            guard case let .statusReported(r) = e else { return nil }
            return (r.resource, r.status, r.occurredAt)
        }
        #expect(confirmed.count == 2 && reported.count == 2)
        #expect(reported.contains { $0 == (.ct, .limited, later) })
        #expect(reported.contains { $0 == (.strokeUnit, .available, later) })  // its closure ended at 12:00
        // While the closure runs it is not touched.
        let during = try given(history, when: .confirmAll(maxAgeMinutes: 720), at: t0.adding(minutes: 60))
        #expect(during.count == 1)
        // A report past its time-to-live is shown as unknown: it is not confirmed blindly.
        #expect(try given(history, when: .confirmAll(maxAgeMinutes: 720), at: t0.adding(minutes: 800)).count == 1)  // only the expired closure's "available" (since 12:00)
        // Nothing reported at all: nothing to confirm.
        #expect(try given(registered, when: .confirmAll(maxAgeMinutes: 720), at: later).isEmpty)
    }

    @Test func registerTwiceIsRefused() {
        #expect(throws: HospitalError.alreadyRegistered(id)) { try given(registered, when: .register(registration), at: t0) }
    }

    @Test func commandsOnUnknownHospitalAreRefused() {
        #expect(throws: HospitalError.notRegistered) { try given([], when: .reopen(.ct), at: t0) }
    }

    @Test func blankNameAndBadStufeAreRefused() {
        let r = registration
        let blank = HospitalRegistration(id: r.id, name: "  ", position: r.position, district: r.district, notfallstufe: 1, kinderNotfallstufe: 0, profile: r.profile)
        let stufe = HospitalRegistration(id: r.id, name: "X", position: r.position, district: r.district, notfallstufe: 4, kinderNotfallstufe: 0, profile: r.profile)
        #expect(throws: HospitalError.invalidName) { try given([], when: .register(blank), at: t0) }
        #expect(throws: HospitalError.invalidNotfallstufe) { try given([], when: .register(stufe), at: t0) }
    }

    @Test func closeNeedsReasonFutureUntilAndAProfileResource() {
        let until = t0.adding(minutes: 90)
        #expect(throws: HospitalError.reasonRequired) { try given(registered, when: .close(.strokeUnit, reason: " ", until: until), at: t0) }
        #expect(throws: HospitalError.untilNotInFuture(t0)) { try given(registered, when: .close(.strokeUnit, reason: "Personal", until: t0), at: t0) }
        let far = t0.adding(minutes: 8 * 24 * 60)
        #expect(throws: HospitalError.untilTooFar(far)) { try given(registered, when: .close(.strokeUnit, reason: "Personal", until: far), at: t0) }
        #expect(throws: HospitalError.resourceNotInProfile(.cathLab)) { try given(registered, when: .close(.cathLab, reason: "x", until: until), at: t0) }
    }

    @Test func closeThenStatusShowsClosedWithReasonUntilExpiry() throws {
        let until = t0.adding(minutes: 90)
        let closed = try given(registered, when: .close(.strokeUnit, reason: "Personalmangel", until: until), at: t0)
        let state = (registered + closed).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(state.condition(.strokeUnit).status(at: t0.adding(minutes: 30), ttlMinutes: 720)
            == .closed(reason: "Personalmangel", until: until, since: t0))
        // After `until` it counts as available since `until`, exactly what the expiry event records.
        #expect(state.condition(.strokeUnit).status(at: until.adding(minutes: 1), ttlMinutes: 720) == .available(since: until))
        #expect(HospitalAggregate.dueExpiries(state, now: t0.adding(minutes: 89)).isEmpty)
        #expect(HospitalAggregate.dueExpiries(state, now: until) == [.strokeUnit])
    }

    @Test func expiryIsANoOpBeforeUntilAndEmitsAtUntil() throws {
        let until = t0.adding(minutes: 90)
        let history = registered + (try given(registered, when: .close(.strokeUnit, reason: "OP voll", until: until), at: t0))
        #expect(try given(history, when: .expireClosure(.strokeUnit), at: t0.adding(minutes: 60)).isEmpty)
        let expired = try given(history, when: .expireClosure(.strokeUnit), at: until.adding(minutes: 2))
        guard case let .closureExpired(e) = expired.first else { Issue.record("expected ResourceClosureExpired"); return }
        #expect(e.until == until && e.resource == .strokeUnit)
        let after = (history + expired).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(after.condition(.strokeUnit) == .reported(.available, since: until))
        // A second timer tick finds nothing to expire.
        #expect(try given(history + expired, when: .expireClosure(.strokeUnit), at: until.adding(minutes: 5)).isEmpty)
    }

    @Test func reopenOnlyWhenClosedAndStatusReportRefusedWhileClosed() throws {
        #expect(throws: HospitalError.notClosed(.ct)) { try given(registered, when: .reopen(.ct), at: t0) }
        let history = registered + (try given(registered, when: .close(.ct, reason: "CT defekt", until: t0.adding(minutes: 60)), at: t0))
        #expect(throws: HospitalError.resourceClosed(.ct)) { try given(history, when: .reportStatus(.ct, .available), at: t0.adding(minutes: 5)) }
        let reopened = try given(history, when: .reopen(.ct), at: t0.adding(minutes: 10))
        let s = (history + reopened).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(s.condition(.ct) == .reported(.available, since: t0.adding(minutes: 10)))
    }

    @Test func statusBecomesUnknownAfterItsTimeToLive() throws {
        let reported = try given(registered, when: .reportStatus(.icu, .limited), at: t0)
        let s = (registered + reported).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(s.condition(.icu).status(at: t0.adding(minutes: 720), ttlMinutes: 720) == .limited(since: t0))
        #expect(s.condition(.icu).status(at: t0.adding(minutes: 721), ttlMinutes: 720) == .unknown(lastReport: t0))
        #expect(s.condition(.ct).status(at: t0, ttlMinutes: 720) == .unknown(lastReport: nil))
        #expect(!ResourceStatus.unknown(lastReport: t0).takesPatients)
    }

    @Test func bedCountsAreValidated() throws {
        #expect(throws: HospitalError.noBedCounts) { try given(registered, when: .reportBeds([:]), at: t0) }
        #expect(throws: HospitalError.invalidBedCount(.icuHighCare)) {
            try given(registered, when: .reportBeds([.icuHighCare: BedCount(free: -1, operable: 5)]), at: t0)
        }
        #expect(throws: HospitalError.invalidBedCount(.normal)) {
            try given(registered, when: .reportBeds([.normal: BedCount(free: 9, operable: 5)]), at: t0)
        }
        let ok = try given(registered, when: .reportBeds([.icuHighCare: BedCount(free: 2, operable: 8)]), at: t0)
        let s = (registered + ok).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(s.beds == BedReport(counts: [.icuHighCare: BedCount(free: 2, operable: 8)], reportedAt: t0))
    }

    @Test func profileChangeOnlyWhenDifferent() throws {
        #expect(try given(registered, when: .changeProfile(profile: registration.profile, notfallstufe: 3, kinderNotfallstufe: 3), at: t0).isEmpty)
        let changed = try given(registered, when: .changeProfile(profile: ResourceSet([.ct]), notfallstufe: 2, kinderNotfallstufe: 0), at: t0)
        let s = (registered + changed).reduce(nil as HospitalState?) { HospitalAggregate.evolve($0, $1) }!
        #expect(s.profile == ResourceSet([.ct]) && s.notfallstufe == 2 && s.version == 2)
    }
}
