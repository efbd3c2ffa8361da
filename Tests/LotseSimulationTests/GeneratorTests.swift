import Foundation
@testable import LotseDemand
import LotseDomain
import LotseSeed
@testable import LotseSimulation
import Testing

/// The generators against their parameters over long runs: rates, profiles and mixes within tolerance.
@Suite struct GeneratorTests {
    static let scenario = try! Scenario.load("mv-year")
    static let geography = try! Geography.mecklenburgVorpommern(fleet: scenario.fleet)
    static let table = try! ReferenceData.requirementTable()

    /// A whole year of missions (generation only, no simulation).
    static let year: [Mission] = {
        var ms: [Mission] = []
        try! DemandModel(scenario: scenario, geography: geography, table: table).generate { ms.append($0); return true }
        return ms
    }()

    @Test func randomDistributionsMatchTheirParameters() {
        var rng = SimRandom(seed: 7)
        let n = 200_000
        var ln: [Double] = [], ex = 0.0, po = 0
        for _ in 0..<n {
            ln.append(rng.lognormal(mean: 24.9, sd: 12.5))
            ex += rng.exponential(mean: 12)
            po += rng.poisson(3.5)
        }
        let mean = ln.reduce(0, +) / Double(n)
        let sd = (ln.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
        #expect(abs(mean - 24.9) < 0.2)
        #expect(abs(sd - 12.5) < 0.3)
        #expect(abs(ex / Double(n) - 12) < 0.15)
        #expect(abs(Double(po) / Double(n) - 3.5) < 0.03)
        // The research note's parameters for TNA durations: μ = 3.10, σ = 0.47.
        let p = LognormalParameters(mean: 24.9, sd: 12.5)
        #expect(abs(p.mu - 3.10) < 0.01 && abs(p.sigma - 0.47) < 0.01)
    }

    @Test func sameSeedSameNumbersOtherSeedOthers() {
        var a = SimRandom(seed: 42), b = SimRandom(seed: 42), c = SimRandom(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
        var s1 = SimRandom(seed: 42, stream: 1), s2 = SimRandom(seed: 42, stream: 2)
        #expect(s1.next() != s2.next())
    }

    /// Neighbouring streams (one per mission) are independent: every draw position is uniform, and two draws of
    /// the same stream are uncorrelated (a rare event after a selective one keeps its probability).
    @Test func missionStreamsAreUniformAndIndependent() {
        let n = 200_000
        var low = [Int](repeating: 0, count: 14)
        var joint = 0, selected = 0
        for i in 0..<n {
            var rng = SimRandom(seed: 20_250_101, stream: 10_000_000 + UInt64(i))
            let u = (0..<14).map { _ in rng.uniform() }
            for k in 0..<14 where u[k] < 0.02 { low[k] += 1 }
            if u[10] < 0.17 {
                selected += 1
                if u[13] < 0.02 { joint += 1 }
            }
        }
        for k in 0..<14 { #expect(abs(Double(low[k]) / Double(n) - 0.02) < 0.0015, "Ziehung \(k): \(Double(low[k]) / Double(n))") }
        #expect(abs(Double(joint) / Double(selected) - 0.02) < 0.004, "\(joint) / \(selected)")
    }

    @Test func yearHasTheScenarioVolume() {
        let n = Double(Self.year.count)
        // Poisson over 8 760 hours: SD ≈ 460 on 209 000, so 1 % is > 4 SD.
        #expect(abs(n / Self.scenario.demand.missionsPerYear - 1) < 0.01)
        #expect(zip(Self.year, Self.year.dropFirst()).allSatisfy { $0.callAt <= $1.callAt })
    }

    @Test func hourOfDayFollowsTheProfile() {
        var byHour = [Int](repeating: 0, count: 24)
        for m in Self.year { byHour[GermanTime.components(m.callAt).hour] += 1 }
        let h = Self.scenario.demand.hourly
        let hSum = h.reduce(0, +)
        for i in 0..<24 {
            let expected = h[i] / hSum
            let got = Double(byHour[i]) / Double(Self.year.count)
            #expect(abs(got - expected) < 0.003, "Stunde \(i): \(got) statt \(expected)")
        }
        #expect(byHour.indices.max { byHour[$0] < byHour[$1] } == 10)
    }

    @Test func weekdaysAndMonthsFollowTheirFactors() {
        var byWeekday = [Int](repeating: 0, count: 7), byMonth = [Int](repeating: 0, count: 12)
        for m in Self.year {
            let c = GermanTime.components(m.callAt)
            let d = CivilDate.toDays(Int64(c.year), Int64(c.month), Int64(c.day))
            byWeekday[Int((CivilDate.weekday(days: d) + 6) % 7)] += 1
            byMonth[c.month - 1] += 1
        }
        let w = Self.scenario.demand.weekday
        let weekdayMean = Double(byWeekday.prefix(5).reduce(0, +)) / 5
        let wMean = w.prefix(5).reduce(0, +) / 5
        #expect(abs(Double(byWeekday[5]) / weekdayMean - w[5] / wMean) < 0.02)
        #expect(abs(Double(byWeekday[6]) / weekdayMean - w[6] / wMean) < 0.02)
        // Per day of the month: January (factor 1.06) busier than September (0.96).
        #expect(Double(byMonth[0]) / 31 > Double(byMonth[8]) / 30 * 1.05)
    }

    @Test func codesUrgencyAgeAndPlaceFollowTheMix() {
        let n = Double(Self.year.count)
        let codes = Self.scenario.demand.codes
        let total = codes.reduce(0) { $0 + $1.share }
        var byCode: [String: Int] = [:], red = 0, children = 0, transported = 0
        var byDistrict: [DistrictID: Int] = [:]
        for m in Self.year {
            byCode[m.pzc.rmi.code, default: 0] += 1
            if m.pzc.urgency == .red { red += 1 }
            if m.pzc.age < 18 { children += 1 }
            if m.transported { transported += 1 }
            byDistrict[m.district, default: 0] += 1
        }
        for c in codes {
            let expected = c.share / total
            let got = Double(byCode[c.rmi] ?? 0) / n
            #expect(abs(got - expected) < max(0.0015, expected * 0.05), "RMI \(c.rmi): \(got) statt \(expected)")
        }
        // Codes restricted to red (421, 332, …) are red every time.
        #expect(Self.year.filter { $0.pzc.rmi.code == "421" }.allSatisfy { $0.pzc.urgency == .red })
        #expect((0.08...0.12).contains(Double(red) / n))
        #expect(abs(Double(transported) / n - (1 - Self.scenario.demand.nonTransportShare)) < 0.005)
        #expect((0.05...0.10).contains(Double(children) / n))
        let population = Double(Self.geography.population)
        for d in Self.geography.districts {
            let share = Double(Self.geography.municipalities.filter { $0.district == d }.reduce(0) { $0 + $1.population }) / population
            #expect(abs(Double(byDistrict[d] ?? 0) / n - share) < 0.004, "\(d)")
        }
    }

    @Test func stationsAreDerivedForEveryDistrict() {
        let g = Self.geography
        #expect(g.stations.count == Self.scenario.fleet.stations)
        #expect(g.stations.reduce(0) { $0 + $1.ambulances } == Self.scenario.fleet.ambulances)
        #expect(Set(g.stations.map(\.district)) == Set(g.districts))
        #expect(g.stations.allSatisfy { $0.ambulances >= 1 })
        // Each station sits in a municipality of its own district (within the town's radius).
        for s in g.stations {
            #expect(g.municipalities.contains {
                $0.name == s.town && $0.district == s.district && $0.position.distanceKm(to: s.position) <= ($0.areaKm2 / .pi).squareRoot()
            }, "\(s)")
        }
        // The city of Rostock (one municipality) still gets several stations.
        #expect(g.stations.filter { $0.district == DistrictID("Rostock") }.count >= 3)
        #expect(g.stations.reduce(0) { $0 + $1.catchment } == g.population)
        #expect(g.hospitals.count == 35)
    }

    @Test func largestRemainderSplitsExactly() {
        #expect(Geography.largestRemainder(weights: [1, 1, 1], total: 10, minimum: 1) .reduce(0, +) == 10)
        #expect(Geography.largestRemainder(weights: [0.7, 0.2, 0.1], total: 13, minimum: 1) == [8, 3, 2])
        #expect(Geography.largestRemainder(weights: [5, 0], total: 2, minimum: 1) == [1, 1])
    }

    @Test func badScenariosAreRefusedWithTheField() throws {
        #expect(Self.loadError("gibt-es-nicht")?.description.contains("nicht gefunden") == true)
        var s = Self.scenario
        s.demand.hourly = [1, 2]
        #expect(Self.validationError(s) == .invalid("demand.hourly braucht 24 Werte ≥ 0"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).json")
        try Data(#"{"name": "x"}"#.utf8).write(to: file)
        let e = Self.loadError(file.path)
        #expect(e?.description.contains("description") == true, "\(String(describing: e))")
        var bad = Self.scenario
        bad.demand.codes = [.init(rmi: "000", share: 1)]
        #expect((try? DemandModel(scenario: bad, geography: Self.geography, table: Self.table)) == nil)
    }

    static func loadError(_ name: String) -> ScenarioError? {
        do {
            _ = try Scenario.load(name)
            return nil
        } catch {
            return error
        }
    }

    static func validationError(_ s: Scenario) -> ScenarioError? {
        do {
            try s.validate()
            return nil
        } catch {
            return error
        }
    }
}
