import LotseApplication
import LotseDomain
@testable import LotseMANV
import Testing

/// The incident's rules over random sequences of answers, plans, changes, confirmations, transports and late patients:
/// no plan ever puts more patients of a category on a hospital than it has places left (its answer, with surge once
/// declared, less the patients already sent); no transport leaves without a place in the confirmed plan and in the
/// hospital's current answer; transports are never taken back by a new plan (the patients en route keep their
/// hospital) — only a cancelled announcement gives a patient back to the scene; hospitals without an answer are never
/// planned on; and the state folded from the events equals the state built step by step.
@Suite struct MANVIncidentTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    let aggregate = MANVIncidentAggregate()
    /// H1–H4 are asked at the opening; H5 when the reach is widened.
    let hospitals = (1...5).map { HospitalID("H\($0)")! }
    let t0 = Timestamp(iso8601: "2026-12-02T08:00:00Z")!

    func context(_ minute: Int) -> CommandContext {
        CommandContext(now: t0.adding(minutes: Double(minute)), principal: Principal(role: .dispatcher, id: "test"))
    }

    func opening() -> MANVOpening {
        MANVOpening(id: MANVIncidentID("M-1")!, district: DistrictID("Vorpommern-Rügen"), label: "Übung", place: GeoPoint(lat: 54.4, lon: 13.4)!,
                    patients: [MANVPatientGroup(category: .red, count: 4), MANVPatientGroup(category: .red, need: ResourceSet([.traumaCenter]), count: 2),
                               MANVPatientGroup(category: .yellow, count: 6), MANVPatientGroup(category: .green, count: 8)],
                    asked: Array(asked.prefix(4)),
                    reachMinutes: 60, answerBy: t0.adding(minutes: 10))
    }

    var asked: [MANVAskedHospital] {
        hospitals.enumerated().map { MANVAskedHospital(hospitalId: $1, name: "Klinik \($0)", driveMinutes: Double(10 + 7 * $0)) }
    }

    /// H1, H3 and H5 have a Traumazentrum.
    var resources: [HospitalID: ResourceSet] {
        Dictionary(uniqueKeysWithValues: hospitals.enumerated().map { i, h in
            (h, i % 2 == 0 ? ResourceSet([.emergencyDepartment, .traumaCenter]) : ResourceSet([.emergencyDepartment]))
        })
    }

    func randomCounts(_ rng: inout Rng) -> MANVCounts {
        MANVCounts(red: Int.random(in: 0...3, using: &rng), yellow: Int.random(in: 0...4, using: &rng), green: Int.random(in: 0...5, using: &rng))
    }

    @Test(arguments: 1...40)
    func randomSequencesKeepTheRules(seed: UInt64) throws {
        var rng = Rng(state: seed)
        var state: MANVIncident? = nil
        var events: [MANVEvent] = []
        var minute = 0
        func run(_ c: MANVCommand) -> [MANVEvent]? {
            let before = state
            guard let new = try? aggregate.decide(c, state: state, context: context(minute)) else { return nil }
            for e in new { aggregate.apply(&state, e) }
            events += new
            check(new, before: before)
            return new
        }
        func check(_ new: [MANVEvent], before: MANVIncident?) {
            guard let before, let after = state else { return }
            #expect(after.transports.count >= before.transports.count, "seed \(seed): a transport was taken back")
            #expect(Array(after.transports.prefix(before.transports.count)) == before.transports)
            for e in new {
                switch e {
                case let .plan(p):
                    var per: [HospitalID: MANVCounts] = [:]
                    for a in p.assignments {
                        per[a.hospital, default: .zero][a.group.category] += a.patients
                        #expect(before.answers[a.hospital] != nil, "seed \(seed): planned on \(a.hospital) without an answer")
                        #expect(resources[a.hospital]!.isSuperset(of: a.group.need), "seed \(seed): need not met")
                    }
                    for (h, c) in per {
                        for k in Sichtungskategorie.allCases {
                            #expect(c[k] <= before.placesLeft(h, k), "seed \(seed): plan \(p.number) over \(h)'s places for \(k)")
                        }
                    }
                    // Nothing planned beyond the patients on scene; what is not planned is reported.
                    for g in before.onScene {
                        let placed = p.assignments.filter { $0.group.category == g.category && $0.group.need == g.need }.map(\.patients).reduce(0, +)
                        let left = p.unplaced.filter { $0.category == g.category && $0.need == g.need }.map(\.count).reduce(0, +)
                        #expect(placed + left == g.count, "seed \(seed): group \(g) not accounted for")
                    }
                case let .transportCancelled(c):
                    #expect(before.activeTransports.contains { $0.announcementId == c.announcementId }, "seed \(seed): cancelled twice")
                    #expect(after.activeTransports.count == before.activeTransports.count - 1)
                case let .transported(t):
                    #expect(before.placesLeft(t.hospitalId, t.category) > 0, "seed \(seed): transport beyond the hospital's current answer")
                    #expect(before.planConfirmed, "seed \(seed): transport without a confirmed plan")
                    #expect(before.plannedLeft(.init(hospital: t.hospitalId, category: t.category, need: t.need)) > 0, "seed \(seed): transport outside the plan")
                default:
                    break
                }
            }
        }

        _ = try #require(run(.open(opening())))
        for _ in 0..<60 {
            minute += Int.random(in: 0...2, using: &rng)
            let h = hospitals.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1: _ = run(.answer(hospital: h, firstHour: randomCounts(&rng), surge: randomCounts(&rng), limit: 20))
            case 2: _ = run(.plan(resources: resources))
            case 3: if let n = state?.plan?.number { _ = run(.confirm(number: n)) }
            case 4, 5, 6:
                // A transport to a random line of the current plan (or anywhere: refused unless planned).
                if Int.random(in: 0..<6, using: &rng) == 0, let t = state?.transports.randomElement(using: &rng) {
                    // Its announcement was cancelled: the patient is on scene again (a second cancellation writes nothing).
                    _ = run(.cancelTransport(announcementId: t.announcementId, reason: "Voranmeldung storniert"))
                } else if let a = state?.plan?.assignments.randomElement(using: &rng), Bool.random(using: &rng) {
                    _ = run(.transport(announcementId: AnnouncementID("A-\(events.count)")!, hospital: a.hospital, category: a.group.category,
                                       need: a.group.need, unit: "RTW-\(events.count)"))
                } else {
                    _ = run(.transport(announcementId: AnnouncementID("A-\(events.count)")!, hospital: h, category: .red, need: ResourceSet(), unit: "RTW"))
                }
            case 7: _ = run(.reportPatients([MANVPatientGroup(category: Sichtungskategorie.allCases.randomElement(using: &rng)!, count: Int.random(in: 1...3, using: &rng))]))
            case 8:
                if Bool.random(using: &rng) {
                    _ = run(.declareSurge(reason: "Großschadenslage"))
                } else {
                    _ = run(.extendReach(reachMinutes: 90, asked: asked, answerBy: t0.adding(minutes: Double(minute + 10))))
                }
            default:
                let lines = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    MANVAssignmentRequest(hospitalId: hospitals.randomElement(using: &rng)!, category: Sichtungskategorie.allCases.randomElement(using: &rng)!,
                                          patients: Int.random(in: 1...3, using: &rng))
                }
                _ = run(.change(assignments: lines, reason: "Lagebesprechung", resources: resources))
            }
        }
        // Rebuild == incremental.
        var folded: MANVIncident? = nil
        for e in events { folded = aggregate.evolve(folded, e) }
        #expect(folded == state)
    }

    @Test func refusalsNameWhatIsWrong() throws {
        var state: MANVIncident? = nil
        for e in try aggregate.decide(.open(opening()), state: nil, context: context(0)) { aggregate.apply(&state, e) }
        #expect(throws: MANVError.alreadyExists) { try aggregate.decide(.open(opening()), state: state, context: context(0)) }
        #expect(throws: MANVError.notAsked(HospitalID("H9")!)) {
            try aggregate.decide(.answer(hospital: HospitalID("H9")!, firstHour: .zero, surge: .zero, limit: 10), state: state, context: context(1))
        }
        #expect(throws: MANVError.countOutOfRange(field: "firstHour.yellow", limit: 10)) {
            try aggregate.decide(.answer(hospital: hospitals[0], firstHour: MANVCounts(red: 1, yellow: 11), surge: .zero, limit: 10), state: state, context: context(1))
        }
        #expect(throws: MANVError.noPlan) { try aggregate.decide(.confirm(number: 1), state: state, context: context(1)) }
        #expect(throws: MANVError.notAnswered(hospitals[0])) {
            try aggregate.decide(.change(assignments: [.init(hospitalId: hospitals[0], category: .red, patients: 1)], reason: "x", resources: resources),
                                 state: state, context: context(1))
        }
        for e in try aggregate.decide(.answer(hospital: hospitals[1], firstHour: MANVCounts(red: 2), surge: .zero, limit: 10), state: state, context: context(1)) {
            aggregate.apply(&state, e)
        }
        #expect(throws: MANVError.needNotMet(hospitals[1], ResourceSet([.traumaCenter]))) {
            try aggregate.decide(.change(assignments: [.init(hospitalId: hospitals[1], category: .red, need: ResourceSet([.traumaCenter]), patients: 1)],
                                         reason: "x", resources: resources), state: state, context: context(1))
        }
        #expect(throws: MANVError.overCount(hospitals[1], .red, places: 2)) {
            try aggregate.decide(.change(assignments: [.init(hospitalId: hospitals[1], category: .red, patients: 3)], reason: "x", resources: resources),
                                 state: state, context: context(1))
        }
        #expect(throws: MANVError.reasonRequired) {
            try aggregate.decide(.change(assignments: [], reason: "  ", resources: resources), state: state, context: context(1))
        }
        #expect(throws: MANVError.patientsInvalid(field: "patients[0].count")) {
            try aggregate.decide(.reportPatients([MANVPatientGroup(category: .red, count: -1)]), state: state, context: context(1))
        }
        // After the deadline a hospital without an answer is unknown; one that answered stays answered.
        #expect(state?.answerStatus(of: hospitals[0], at: t0.adding(minutes: 9)) == .pending)
        #expect(state?.answerStatus(of: hospitals[0], at: t0.adding(minutes: 10)) == .unknown)
        #expect(state?.answerStatus(of: hospitals[1], at: t0.adding(minutes: 30)) == .answered)
    }
}
