import Foundation
import LotseCapacity
@testable import LotseDemand
import LotseDomain
import LotseSeed
@testable import LotseSimulation
import Testing

/// The virtual-time run: deterministic for a seed, consistent with its own log, honest about policies.
@Suite(.serialized) struct SimulationTests {
    static func scenario(days: Int = 2, seed: UInt64? = nil) throws -> Scenario {
        var s = try Scenario.load("mv-year")
        s.days = days
        if let seed { s.seed = seed }
        return s
    }

    static func run(_ s: Scenario) async throws -> (SimulationResult, Simulation) {
        let sim = try Simulation(scenario: s, geography: GeneratorTests.geography, table: GeneratorTests.table)
        return (try await sim.run(), sim)
    }

    @Test func sameSeedGivesTheSameOutcomes() async throws {
        let s = try Self.scenario()
        let (a, _) = try await Self.run(s)
        let (b, _) = try await Self.run(s)
        #expect(a.outcomes == b.outcomes)
        #expect(a.outcomes.missions > 800)
        let (c, _) = try await Self.run(try Self.scenario(seed: 99))
        #expect(c.outcomes != a.outcomes)
    }

    /// Every RTW with the Telenotarzt: all are counted as equipped and requests come from every district; a district
    /// that has no Rettungswache is refused, not silently left without equipment.
    @Test func theTelenotarztCanBeEquippedStatewideButNotInAnUnknownDistrict() async throws {
        var s = try Self.scenario(days: 1)
        s.tna.equippedDistricts = ["*"]
        s.tna.physicians = 3
        let (r, _) = try await Self.run(s)
        let fleet = GeneratorTests.geography.stations.reduce(0) { $0 + $1.ambulances }
        #expect(r.outcomes.tna.equippedAmbulances == fleet)
        #expect(r.outcomes.tna.requests > 20, "≈ 46 requests a day statewide")
        s.tna.equippedDistricts = ["Atlantis"]
        await #expect(throws: ScenarioError.self) { _ = try await Self.run(s) }
    }

    @Test func outcomesAddUpAndTheIndexMatchesItsLog() async throws {
        // Four days with a busy Telenotarzt: consultations end before, during and after the patients' transport.
        var s = try Self.scenario(days: 4)
        s.tna.requestsPerAmbulanceDay = 1.5
        let (r, sim) = try await Self.run(s)
        let o = r.outcomes
        #expect(o.byHour.reduce(0, +) == o.missions)
        #expect(o.byUrgency.reduce(0, +) == o.missions)
        #expect(o.transported <= o.missions && o.transported > 0)
        // Every transported patient was dispatched, announced and (but those still on the road) arrived.
        #expect(o.driveMinutes.total == o.transported)
        #expect(o.callToArrivalMinutes.total <= o.transported && o.callToArrivalMinutes.total > o.transported - 60)
        #expect(o.tna.requests >= o.tna.connected && o.tna.connected > 0)
        #expect(o.daily.count == 4)
        #expect(o.bedReports > 0 && o.statusReports > o.bedReports)
        // Closures without a reason never land: each was refused (and sent again with one).
        #expect(o.closures >= o.closuresRefusedWithoutReason)
        // Rebuilding the capacity index from the log gives the index the simulation kept incrementally.
        var rebuilt = CapacityIndex()
        try await rebuilt.catchUp(from: sim.store, codec: sim.codec, pageSize: 1000)
        #expect(rebuilt == sim.index)
        #expect(rebuilt.position == o.logEvents)
        // No RTW is lost: each is at its station, with a patient, or driving back.
        let busy = sim.runs.values.filter { $0.station != nil && !$0.done }.count
        let returning = sim.queue.unordered.filter { if case .ambulanceFree = $0.kind { true } else { false } }.count
        #expect(sim.stationFree.reduce(0, +) + busy + returning == sim.scenario.fleet.ambulances)
    }

    @Test func lotseOverridesOnlyWhenNothingIsSuitable() async throws {
        var s = try Self.scenario(days: 3)
        s.variants = []
        let (lotse, _) = try await Self.run(s)
        s.ranking = .nearest
        let (nearest, _) = try await Self.run(s)
        // Lotse sends a patient despite a closure only when no hospital is suitable at all.
        #expect(lotse.outcomes.overrides == lotse.outcomes.noCandidate)
        // The same demand reached both runs.
        #expect(lotse.outcomes.missions == nearest.outcomes.missions)
        #expect(lotse.outcomes.byCode == nearest.outcomes.byCode)
        // Ignoring capacity never drives further than the nearest capable hospital: the median drive is not longer.
        #expect(nearest.outcomes.driveMinutes.percentile(50) <= lotse.outcomes.driveMinutes.percentile(50))
    }

    @Test func reportIsSelfContainedAndComplete() async throws {
        var s = try Self.scenario(days: 1)
        s.variants = [.init(name: "zwei", ranking: nil, physicians: 2)]
        let (a, _) = try await Self.run(s)
        let (b, _) = try await Self.run(s.applying(s.variants[0]))
        let cal = Calibration.rows(a, geography: GeneratorTests.geography, travel: Simulation.travelModel())
        let report = Report(scenario: s, runs: [a, b], calibration: cal)
        let html = report.html
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 8)
        #expect(html.contains("aria-label=\"Wartezeit Anfrage → Annahme\""))
        let md = report.markdown
        for section in ["Politik-Labor", "Patienten", "Kliniken", "Telenotarzt", "Nachfrage", "Leistung", "Kalibrierung"] {
            #expect(md.contains("## ") && md.contains(section), "\(section)")
        }
        #expect(cal.contains { $0.what == "Einsätze pro Jahr" })
        #expect(cal.contains { $0.what.hasPrefix("TNA-Konsultationen je") })
    }
}
