import LotseDomain
@testable import LotseMANV
import Testing

/// The plan is exact: on small random instances, an exhaustive search over every distribution finds no plan that
/// places more patients of a category, nor one that places as many at a smaller total drive time; no hospital gets
/// more of a category than it accepts, no group goes where its need is not met or beyond reach.
@Suite struct MANVPlannerTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 31)
        }
    }

    static let needs: [ResourceSet] = [ResourceSet(), ResourceSet([.traumaCenter]), ResourceSet([.pediatrics])]

    func instance(seed: UInt64) -> ([MANVPatientGroup], [MANVHospitalOffer]) {
        var rng = Rng(state: seed)
        var groups: [MANVPatientGroup] = []
        for c in Sichtungskategorie.allCases {
            for need in Self.needs.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)) {
                groups.append(MANVPatientGroup(category: c, need: need, count: Int.random(in: 1...3, using: &rng)))
            }
        }
        let offers = (0..<Int.random(in: 2...4, using: &rng)).map { i in
            var resources = ResourceSet([.emergencyDepartment])
            if Bool.random(using: &rng) { resources.insert(.traumaCenter) }
            if Int.random(in: 0..<3, using: &rng) == 0 { resources.insert(.pediatrics) }
            return MANVHospitalOffer(
                hospital: HospitalID("H\(i)")!, driveMinutes: Double(Int.random(in: 5...60, using: &rng)),
                accepts: Dictionary(uniqueKeysWithValues: Sichtungskategorie.allCases.map { ($0, Int.random(in: 0...3, using: &rng)) }),
                resources: resources)
        }
        return (groups, offers)
    }

    /// The best (placed, −minutes) over every way to split each group over the hospitals it may go to.
    func exhaustive(_ groups: [MANVPatientGroup], _ offers: [MANVHospitalOffer], category: Sichtungskategorie, reach: Double) -> (placed: Int, minutes: Int) {
        let mine = groups.filter { $0.category == category }
        var best = (placed: 0, minutes: 0)
        var used = [Int](repeating: 0, count: offers.count)
        func assign(_ gi: Int, placed: Int, minutes: Int) {
            if gi == mine.count {
                if placed > best.placed || (placed == best.placed && minutes < best.minutes) { best = (placed, minutes) }
                return
            }
            let group = mine[gi]
            let allowed = offers.indices.filter { j in
                offers[j].driveMinutes <= reach && offers[j].resources.isSuperset(of: group.need) && (offers[j].accepts[category] ?? 0) > 0
            }
            // Every split of the group's patients over the allowed hospitals (and "unplaced").
            func split(_ k: Int, left: Int, placed: Int, minutes: Int) {
                if k == allowed.count {
                    assign(gi + 1, placed: placed, minutes: minutes)
                    return
                }
                let j = allowed[k]
                let room = (offers[j].accepts[category] ?? 0) - used[j]
                for n in 0...max(0, min(left, room)) {
                    used[j] += n
                    split(k + 1, left: left - n, placed: placed + n, minutes: minutes + n * Int((offers[j].driveMinutes * 10).rounded()))
                    used[j] -= n
                }
            }
            split(0, left: group.count, placed: placed, minutes: minutes)
        }
        assign(0, placed: 0, minutes: 0)
        return best
    }

    @Test(arguments: 1...60 as ClosedRange<UInt64>)
    func thePlanIsOptimalAndKeepsEveryCount(seed: UInt64) {
        let (groups, offers) = instance(seed: seed)
        let reach = seed % 3 == 0 ? 40.0 : .infinity
        let plan = MANVPlanner.plan(groups, offers: offers, reachMinutes: reach)
        for c in Sichtungskategorie.allCases {
            let best = exhaustive(groups, offers, category: c, reach: reach)
            let minutes = plan.assignments.filter { $0.group.category == c }.map { $0.patients * Int(($0.driveMinutes * 10).rounded()) }.reduce(0, +)
            #expect(plan.placed(c) == best.placed && minutes == best.minutes, "seed \(seed) \(c): plan \(plan.placed(c))/\(minutes), best \(best)")
            // Counts and needs.
            for o in offers {
                let sent = plan.assignments.filter { $0.hospital == o.hospital && $0.group.category == c }.map(\.patients).reduce(0, +)
                #expect(sent <= (o.accepts[c] ?? 0))
            }
        }
        for a in plan.assignments {
            let o = offers.first { $0.hospital == a.hospital }!
            #expect(o.resources.isSuperset(of: a.group.need) && o.driveMinutes <= reach && a.patients > 0)
        }
        // Every patient is placed or reported as unplaced, none twice.
        for g in groups {
            let placed = plan.assignments.filter { $0.group == g }.map(\.patients).reduce(0, +)
            let left = plan.unplaced.filter { $0.category == g.category && $0.need == g.need }.map(\.count).reduce(0, +)
            #expect(placed + left == g.count)
        }
    }

    @Test func aSpecialNeedIsNotCrowdedOutByTheNearest() {
        // The nearest hospital is the only children's hospital and takes one SK I patient: it goes to the child, not to
        // the patient any hospital could take (the greedy "nearest first" would do that wrong).
        let a = HospitalID("A")!, b = HospitalID("B")!
        let plan = MANVPlanner.plan(
            [MANVPatientGroup(category: .red, count: 1), MANVPatientGroup(category: .red, need: ResourceSet([.pediatrics]), count: 1)],
            offers: [MANVHospitalOffer(hospital: a, driveMinutes: 10, accepts: [.red: 1], resources: ResourceSet([.pediatrics])),
                     MANVHospitalOffer(hospital: b, driveMinutes: 30, accepts: [.red: 1], resources: ResourceSet())])
        #expect(plan.unplaced.isEmpty)
        #expect(plan.assignments.first { $0.group.need.contains(.pediatrics) }?.hospital == a)
        #expect(plan.assignments.first { $0.group.need.isEmpty }?.hospital == b)
        #expect(plan.totalMinutes == 40)
    }

    @Test func theCheapestWayToPlaceEveryoneIsFoundNotTheFirst() {
        // Nearest first would send the patient any hospital can take to A (10 min) and the polytrauma patient to C
        // (100 min): 110 minutes. Exact: the polytrauma patient to A, the other to B — 22 minutes.
        let plan = MANVPlanner.plan(
            [MANVPatientGroup(category: .red, count: 1), MANVPatientGroup(category: .red, need: ResourceSet([.traumaCenter]), count: 1)],
            offers: [MANVHospitalOffer(hospital: HospitalID("A")!, driveMinutes: 10, accepts: [.red: 1], resources: ResourceSet([.traumaCenter])),
                     MANVHospitalOffer(hospital: HospitalID("B")!, driveMinutes: 12, accepts: [.red: 1], resources: ResourceSet()),
                     MANVHospitalOffer(hospital: HospitalID("C")!, driveMinutes: 100, accepts: [.red: 1], resources: ResourceSet([.traumaCenter]))])
        #expect(plan.unplaced.isEmpty && plan.totalMinutes == 22, "\(plan)")
    }
}
