import LotseDomain
import LotseMANV
import LotseSimulation
import Testing

/// The simulator's MANV comparison (issue 18, Docs/SIMULATION.md): on both bundled incidents Lotse's plan places every
/// patient without putting one over a hospital's acceptance or a polytrauma patient outside a Traumazentrum, while
/// "nearest hospital first" floods the nearest; and over the same hospitals no greedy distribution is cheaper than the plan.
@Suite struct MANVScenarioTests {
    @Test(arguments: ["a20-tessin", "a20-jarmen"])
    func lotsesPlanKeepsEveryCountAndNearestFirstFloodsTheNearest(name: String) throws {
        let scenario = try #require(MANVScenario.bundled[name])
        let outcomes = try scenario.compare()
        #expect(outcomes.count == 3)
        let lotse = outcomes[0], nearest = outcomes[1], greedy = outcomes[2]
        let total = scenario.patients.map(\.count).reduce(0, +)
        #expect(lotse.placed == total && lotse.unplaced == 0)
        #expect(lotse.overAcceptance == 0 && lotse.needsUnmet == 0)
        #expect(greedy.overAcceptance == 0)
        #expect(nearest.overAcceptance > 0, "nearest first should flood the nearest hospital here")
        #expect(nearest.mostAtOneHospital > lotse.mostAtOneHospital)
        // Every distribution's figures are consistent: patients over a count never exceed those placed.
        for o in outcomes { #expect(o.overAcceptance <= o.placed && o.lastRedArrivalMinutes <= o.lastArrivalMinutes) }
    }

    /// Over every MV site, the plan's drive time is the least: no greedy order beats it.
    @Test func thePlanIsNeverDearerThanGreedyOverTheSameHospitals() throws {
        for scenario in MANVScenario.bundled.values {
            let sites = try scenario.sites()
            let plan = MANVPlanner.plan(scenario.patients, offers: sites.map {
                MANVHospitalOffer(hospital: $0.id, driveMinutes: $0.driveMinutes, accepts: $0.accepts.byCategory, resources: $0.resources)
            })
            #expect(plan.unplaced.isEmpty)
            // Greedy in both category orders of need (special needs first or last).
            for needFirst in [true, false] {
                var left = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0.accepts) })
                var minutes = 0.0, placed = 0
                for g in scenario.patients.sorted(by: { ($0.category, needFirst ? -$0.need.count : $0.need.count) < ($1.category, needFirst ? -$1.need.count : $1.need.count) }) {
                    for _ in 0..<g.count {
                        guard let h = sites.first(where: { $0.resources.isSuperset(of: g.need) && left[$0.id]![g.category] > 0 }) else { continue }
                        left[h.id]![g.category] -= 1
                        minutes += h.driveMinutes
                        placed += 1
                    }
                }
                let planned = plan.assignments.map(\.patients).reduce(0, +)
                #expect(planned >= placed)
                if planned == placed { #expect(plan.totalMinutes <= minutes + 1e-9, "\(scenario.label): greedy cheaper than the plan") }
            }
        }
    }

    @Test func acceptanceGrowsWithTheNotfallstufeAndSize() {
        #expect(MANVScenario.acceptance(notfallstufe: 0, beds: 300) == MANVCounts(red: 0, yellow: 0, green: 0))
        let basic = MANVScenario.acceptance(notfallstufe: 1, beds: 400), full = MANVScenario.acceptance(notfallstufe: 3, beds: 400)
        #expect(basic == MANVCounts(red: 1, yellow: 3, green: 5) && full == MANVCounts(red: 3, yellow: 6, green: 10))
        #expect(MANVScenario.acceptance(notfallstufe: 3, beds: 1600).total > full.total)
        #expect(MANVScenario.acceptance(notfallstufe: 1, beds: 50).green >= 1)
    }
}
