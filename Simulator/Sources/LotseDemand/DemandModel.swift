import Foundation
import LotseDomain

/// One ambulance mission as the demand model generates it: when and where the call comes, what the crew will find.
public struct Mission: Sendable, Hashable {
    /// Running number; also the key of the mission's own random stream.
    public let index: Int
    public let callAt: Timestamp
    public let municipality: Int
    public let position: GeoPoint
    public let district: DistrictID
    public let pzc: PZC
    /// The tracer diagnosis, if the code is one.
    public let tracer: String?
    /// False when the patient stays on scene (treated, refused, no patient).
    public let transported: Bool
}

/// MV's emergency demand: a Poisson process per hour whose rate follows the year's total, the hour of day, the
/// weekday and the month; the place in proportion to population (uniform within the municipality's area); the
/// indication code, urgency and age from the scenario's mix. Deterministic for a seed and independent of
/// everything the simulation decides.
public struct DemandModel: Sendable {
    public let scenario: Scenario
    public let geography: Geography
    let table: RequirementTable
    let codeChoice: WeightedChoice
    let placeChoice: WeightedChoice
    /// Per code: the urgency choice over 1, 2, 3 restricted to what the code allows.
    let urgencyChoice: [WeightedChoice]
    let codes: [RMI]
    let hourly: [Double]
    let weekday: [Double]
    let monthly: [Double]

    public init(scenario: Scenario, geography: Geography, table: RequirementTable) throws(ScenarioError) {
        self.scenario = scenario
        self.geography = geography
        self.table = table
        let d = scenario.demand
        var codes: [RMI] = []
        var urgency: [WeightedChoice] = []
        for c in d.codes {
            guard let rmi = RMI(c.rmi), let req = table[rmi] else { throw .invalid("demand.codes: RMI \(c.rmi) ist nicht in der Zuweisungstabelle") }
            let w = c.urgencyWeights ?? d.urgencyWeights
            let allowed = (0..<3).map { req.allowedUrgencies.contains(Urgency(rawValue: $0 + 1)!) ? w[$0] : 0 }
            guard allowed.reduce(0, +) > 0 else { throw .invalid("demand.codes: RMI \(c.rmi) erlaubt keine der gewichteten Dringlichkeiten") }
            do { _ = try table.allocationRequirement(rmi: rmi, urgency: Urgency(rawValue: allowed.firstIndex { $0 > 0 }! + 1)!) } catch {
                throw .invalid("demand.codes: RMI \(c.rmi) ist kein Zuweisungscode (\(error))")
            }
            codes.append(rmi)
            urgency.append(WeightedChoice(weights: allowed))
        }
        self.codes = codes
        urgencyChoice = urgency
        codeChoice = WeightedChoice(weights: d.codes.map(\.share))
        placeChoice = WeightedChoice(weights: geography.municipalities.map { Double($0.population) })
        let hSum = d.hourly.reduce(0, +)
        hourly = d.hourly.map { $0 / hSum }
        let wMean = d.weekday.reduce(0, +) / 7
        weekday = d.weekday.map { $0 / wMean }
        let mMean = d.monthly.reduce(0, +) / 12
        monthly = d.monthly.map { $0 / mMean }
    }

    /// The expected number of calls in the hour starting at `t` (local hour, weekday and month of Europe/Berlin).
    public func expectedCalls(inHourStarting t: Timestamp) -> Double {
        let c = GermanTime.components(t)
        let days = CivilDate.toDays(Int64(c.year), Int64(c.month), Int64(c.day))
        let wd = Int((CivilDate.weekday(days: days) + 6) % 7)  // Monday = 0
        return scenario.demand.missionsPerYear / 365.25 * weekday[wd] * monthly[c.month - 1] * hourly[c.hour]
    }

    /// Generates every mission of the scenario, in call order, hour by hour (`body` sees each; return false to stop).
    public func generate(_ body: (Mission) throws -> Bool) rethrows {
        let start = (try? scenario.start) ?? Timestamp(millis: 0)
        var rng = SimRandom(seed: scenario.seed, stream: 0xDE_4A4D)
        var index = 0
        for hour in 0..<(scenario.days * 24) {
            let t0 = Timestamp(millis: start.millis + Int64(hour) * 3_600_000)
            let n = rng.poisson(expectedCalls(inHourStarting: t0))
            let offsets = (0..<n).map { _ in Int64(rng.uniform() * 3_600_000) }.sorted()
            for off in offsets {
                let m = mission(index: index, at: Timestamp(millis: t0.millis + off), rng: &rng)
                index += 1
                if try !body(m) { return }
            }
        }
    }

    func mission(index: Int, at t: Timestamp, rng: inout SimRandom) -> Mission {
        let mi = placeChoice.pick(&rng)
        let m = geography.municipalities[mi]
        // Uniform in a disc of the municipality's area around its centroid.
        let r = (m.areaKm2 / .pi).squareRoot() * rng.uniform().squareRoot()
        let a = 2 * Double.pi * rng.uniform()
        let position = m.position.offset(northKm: r * sin(a), eastKm: r * cos(a))
        let ci = codeChoice.pick(&rng)
        let code = scenario.demand.codes[ci]
        let urgency = Urgency(rawValue: urgencyChoice[ci].pick(&rng) + 1)!
        let age: Int
        if let range = code.ageRange {
            age = range[0] + Int(rng.uniform() * Double(range[1] - range[0] + 1))
        } else if rng.chance(scenario.demand.childShare) {
            age = Int(rng.uniform() * 18)
        } else {
            age = min(99, max(18, Int((scenario.demand.adultAgeMean + scenario.demand.adultAgeSD * rng.normal()).rounded())))
        }
        let transported = !rng.chance(scenario.demand.nonTransportShare)
        guard let pzc = try? PZC(rmi: codes[ci], age: age, urgency: urgency) else { preconditionFailure("ages are kept within 0…99") }
        return Mission(
            index: index, callAt: t, municipality: mi, position: position, district: m.district,
            pzc: pzc, tracer: code.tracer, transported: transported)
    }
}
