import Foundation
import HeapModule
import LotseApplication
import LotseCapacity
import LotseDemand
import LotseDispatch
import LotseDomain
import LotseEventStore
import LotseSeed
import LotseTelenotarzt
import LotseTime
import Synchronization

/// A discrete-event simulation in virtual time that drives Lotse's application layer — `CapacityService`,
/// `AnnouncementService`, `DispatchRanking` on the `CapacityIndex`, `TNAService` — over an in-memory event store.
/// Everything random comes from streams of the scenario's seed, so a seed gives the same outcomes every time.
public final class Simulation {
    public let scenario: Scenario
    let geography: Geography
    let demand: DemandModel
    let table: RequirementTable
    let store = InMemoryEventStore()
    /// The log the run wrote (every command of the year), to copy or fold after the run.
    public var log: any EventStore { store }
    let codec = LotseEventCodec()
    let capacity: CapacityService
    let announcements: AnnouncementService
    let tna: TNAService
    let ranking: DispatchRanking
    let nearest: DispatchRanking
    let clock: ManualClock
    let start: Timestamp
    let end: Timestamp

    var index = CapacityIndex()
    var queue = Heap<Scheduled>()
    var seq = 0
    var outcomes = Outcomes()
    var latency = LatencyRecorder()
    var hospitals: [HospitalModel] = []
    var slotOfHospital: [HospitalID: Int] = [:]
    var stationFree: [Int] = []
    var stationEquipped: [Bool] = []
    var waiting: [Int] = []
    var runs: [Int: MissionRun] = [:]
    var consultations: [ConsultationID: Int] = [:]
    var tnaPhysicians: [ConsultationID: PhysicianID] = [:]
    var scheduledTick: Int64 = .max
    var commands = 0
    var tnaRequestShare = 0.0
    var bgRng: [SimRandom] = []
    var hospitalRng: [SimRandom] = []
    var today = DayCounters()
    let losDays: [Double]
    static let dispatcher = Principal(role: .dispatcher, id: "sim-leitstelle")
    static let crew = Principal(role: .crew, id: "sim-rtw")

    public init(scenario: Scenario, geography: Geography, table: RequirementTable) throws {
        self.scenario = scenario
        self.geography = geography
        self.table = table
        demand = try DemandModel(scenario: scenario, geography: geography, table: table)
        start = try scenario.start
        end = Timestamp(millis: start.millis + Int64(scenario.days) * 86_400_000)
        clock = ManualClock(start)
        capacity = CapacityService(store: store)
        announcements = AnnouncementService(store: store, table: table)
        let c = clock
        tna = TNAService(store: store, network: try TNANetwork.bundledMV(), clock: c)
        ranking = try DispatchRanking(table: table)
        var plain = DispatchParameters()
        plain.limitedPenaltyMinutes = 0
        plain.loadPenaltyMinutesPerPatient = 0
        nearest = try DispatchRanking(table: table, parameters: plain)
        let los = scenario.hospitals.lengthOfStayDays
        losDays = BedCategory.allCases.map { los[$0] ?? los[.normal] ?? 6.5 }
    }

    var now: Timestamp { clock.now() }

    /// The travel-time model of the ranking (for calibration figures outside a run).
    public static func travelModel() -> any TravelTimeModel { CalibratedTravelTime.shipped }

    // MARK: - Run

    /// Runs the scenario; `progress` is called with the share of simulated time done (0–1).
    public func run(progress: ((Double) -> Void)? = nil) async throws -> SimulationResult {
        let wall = ContinuousClock()
        let wallStart = wall.now
        var performance = Performance()
        try await setUp()
        var missions: [Mission] = []
        demand.generate { missions.append($0); return true }
        var next = 0
        var lastProgress = -1
        while true {
            let missionTime = next < missions.count ? missions[next].callAt.millis : Int64.max
            let eventTime = queue.min?.time ?? Int64.max
            let t = min(missionTime, eventTime)
            guard t < end.millis else { break }
            clock.set(Timestamp(millis: t))
            if missionTime <= eventTime {
                try await call(missions[next])
                next += 1
            } else {
                let e = queue.removeMin()
                if case .dayEnd = e.kind {
                    sampleDay()
                    let d = wall.now - wallStart
                    performance.wallAtDayEnd.append(d / .seconds(1))
                }
                try await handle(e.kind)
            }
            let p = Int(Double(t - start.millis) / Double(end.millis - start.millis) * 1000)
            if p != lastProgress, let progress {
                lastProgress = p
                progress(Double(p) / 1000)
            }
        }
        clock.set(end)
        try await catchUp()
        outcomes.logEvents = index.position
        let d = wall.now - wallStart
        performance.wallSeconds = d / .seconds(1)
        performance.commands = commands
        performance.latency = latency.summaries
        progress?(1)
        return SimulationResult(
            scenario: scenario.name, policy: scenario.ranking, physicians: scenario.tna.physicians, seed: scenario.seed,
            days: scenario.days, outcomes: outcomes, performance: performance,
            stations: geography.stations.enumerated().map { i, s in
                StationSummary(district: s.district.rawValue, town: s.town, ambulances: s.ambulances, catchment: s.catchment, tnaEquipped: stationEquipped[i])
            })
    }

    /// Registers the 35 MV sites with the demo state, builds the hospitals' truth, the fleet, the TNA shift and
    /// the recurring events (reports, outages, hourly background, timers, day ends).
    func setUp() async throws {
        _ = try await capacity.importHospitals(try Seeder.imports(), demo: true, at: start)
        try await catchUp()
        let classes = scenario.hospitals.reporting
        let classChoice = WeightedChoice(weights: classes.map(\.share))
        for (slot, h) in geography.hospitals.enumerated() {
            var rng = SimRandom(seed: scenario.seed, stream: 1_000_000 + UInt64(slot))
            let reporting = classes[classChoice.pick(&rng)]
            let model = HospitalModel(
                slot: slot, id: h.registration.id, profile: h.registration.profile,
                beds: DemoBeds.counts(for: h.source, profile: h.registration.profile), reporting: reporting,
                initialOccupancy: min(0.98, scenario.hospitals.backgroundOccupancy + 0.1))
            hospitals.append(model)
            slotOfHospital[model.id] = slot
            bgRng.append(SimRandom(seed: scenario.seed, stream: 2_000_000 + UInt64(slot)))
            hospitalRng.append(rng)
        }
        // Fleet.
        stationFree = geography.stations.map(\.ambulances)
        let equippedAll = scenario.tna.equippedDistricts.contains("*")
        let districts = Set(geography.stations.map(\.district.rawValue))
        if let unknown = scenario.tna.equippedDistricts.first(where: { $0 != "*" && !districts.contains($0) }) {
            throw ScenarioError.invalid("tna.equippedDistricts: „\(unknown)“ ist kein Landkreis mit Rettungswachen (\(districts.sorted().joined(separator: ", ")))")
        }
        stationEquipped = geography.stations.map { equippedAll || scenario.tna.equippedDistricts.contains($0.district.rawValue) }
        let equippedUnits = zip(geography.stations, stationEquipped).filter(\.1).reduce(0) { $0 + $1.0.ambulances }
        outcomes.tna.equippedAmbulances = equippedUnits
        let equippedPopulation = Set(geography.stations.indices.filter { stationEquipped[$0] }.map { geography.stations[$0].district })
        let popShare = Double(geography.municipalities.filter { equippedPopulation.contains($0.district) }.reduce(0) { $0 + $1.population })
            / Double(geography.population)
        let missionsPerDay = scenario.demand.missionsPerYear / 365.25
        tnaRequestShare = popShare > 0 ? min(1, scenario.tna.requestsPerAmbulanceDay * Double(equippedUnits) / (missionsPerDay * popShare)) : 0
        // Telenotarzt shift: physicians on duty 24/7.
        let centre = CentreID("TNA-Greifswald")
        for i in 0..<scenario.tna.physicians {
            try await tnaHandle(.signOn(PhysicianID("TNA-\(i + 1)"), centre: centre, maxParallel: 1))
        }
        // Recurring events.
        let reportMinutes = scenario.hospitals.reportTimes.compactMap(Scenario.minuteOfDay)
        for day in 0..<scenario.days {
            let midnight = Timestamp(millis: start.millis + Int64(day) * 86_400_000)
            let c = GermanTime.components(midnight.adding(minutes: 12 * 60))
            for m in reportMinutes {
                let t = GermanTime.instant(year: c.year, month: c.month, day: c.day, hour: m / 60, minute: m % 60)
                for slot in hospitals.indices { schedule(t, .reportDue(slot)) }
            }
            schedule(Timestamp(millis: midnight.millis + 86_400_000 - 1), .dayEnd)
        }
        for slot in hospitals.indices { scheduleOutages(slot) }
        schedule(start.adding(minutes: 60), .hour)
        schedule(start.adding(minutes: 5), .timers)
    }

    /// Device and team outages over the whole run: a Poisson process per resource the hospital has.
    func scheduleOutages(_ slot: Int) {
        let h = hospitals[slot]
        var rng = SimRandom(seed: scenario.seed, stream: 3_000_000 + UInt64(slot))
        let perDay = scenario.hospitals.outagesPerResourceMonth / 30.4
        guard perDay > 0 else { return }
        for key in outageResources where h.profile.contains(key) {
            var t = start.millis
            while true {
                t += Int64(rng.exponential(mean: 1 / perDay) * 86_400_000)
                guard t < end.millis else { break }
                let range = scenario.hospitals.outageHours
                let hours = range[0] + (range[1] - range[0]) * rng.uniform()
                schedule(Timestamp(millis: t), .outageStart(slot, key, Timestamp(millis: t + Int64(hours * 3_600_000))))
            }
        }
    }

    // MARK: - Event queue

    enum Kind {
        case atScene(Int)
        case transportDecision(Int)
        case acknowledge(Int)
        case arrival(Int)
        case ambulanceFree(station: Int)
        case discharge(slot: Int, category: Int)
        case reportDue(Int)
        case report(Int)
        case outageStart(Int, ResourceKey, Timestamp)
        case outageEnd(Int, ResourceKey)
        case tnaAccept(ConsultationID, PhysicianID)
        case tnaConnect(ConsultationID, PhysicianID)
        case tnaEnd(ConsultationID, PhysicianID)
        case tnaTick
        case hour
        case timers
        case dayEnd
    }

    struct Scheduled: Comparable {
        let time: Int64
        let seq: Int
        let kind: Kind
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
        static func == (a: Scheduled, b: Scheduled) -> Bool { a.time == b.time && a.seq == b.seq }
    }

    func schedule(_ t: Timestamp, _ kind: Kind) {
        seq += 1
        queue.insert(Scheduled(time: t.millis, seq: seq, kind: kind))
    }

    func handle(_ kind: Kind) async throws {
        switch kind {
        case let .atScene(m): try await atScene(m)
        case let .transportDecision(m): try await transportDecision(m)
        case let .acknowledge(m): try await acknowledge(m)
        case let .arrival(m): try await arrival(m)
        case let .ambulanceFree(station): ambulanceFree(station)
        case let .discharge(slot, category): hospitals[slot].discharge(category)
        case let .reportDue(slot): reportDue(slot)
        case let .report(slot): try await report(slot)
        case let .outageStart(slot, key, until): try await outageStart(slot, key, until)
        case let .outageEnd(slot, key): try await outageEnd(slot, key)
        case let .tnaAccept(id, p): try await tnaHandle(.accept(id, by: p))
        case let .tnaConnect(id, p): try await tnaHandle(.connect(id, by: p))
        case let .tnaEnd(id, p): try await tnaEnd(id, p)
        case .tnaTick:
            scheduledTick = .max
            try await tnaHandle(.tick)
        case .hour: hour()
        case .timers: try await timers()
        case .dayEnd: break
        }
    }

    // MARK: - Log and index

    /// Applies everything appended since the index's position (what the projector does live).
    func catchUp() async throws {
        today.events += try await index.catchUp(from: store, codec: codec)
    }

    /// Runs one command against Lotse: counted, timed under `type`, and the index caught up afterwards.
    func command<T>(_ type: String, _ body: () async throws -> T) async throws -> T {
        let t0 = latency.clock.now
        commands += 1
        let result = try await body()
        latency.record(type, since: t0)
        try await catchUp()
        return result
    }

    func hospitalPrincipal(_ slot: Int) -> Principal { Principal(role: .hospital, id: hospitals[slot].id.rawValue) }

    /// Runs one hospital command as the hospital; refusals are returned, not thrown.
    @discardableResult
    func hospitalCommand(_ type: String, _ command: HospitalCommand, slot: Int) async throws -> HospitalError? {
        try await self.command(type) {
            do {
                _ = try await capacity.execute(command, hospital: hospitals[slot].id, by: hospitalPrincipal(slot), at: now)
                return nil
            } catch let CapacityService.Failure.refused(e) {
                return e
            }
        }
    }
}

/// What happened to one mission so far.
struct MissionRun {
    let mission: Mission
    let draws: MissionDraws
    var station: Int? = nil
    var alarmAt: Timestamp? = nil
    var atSceneAt: Timestamp? = nil
    var hospitalSlot: Int? = nil
    var announcement: AnnouncementID? = nil
    var arrived = false
    /// The RTW is on its way back: nothing more happens to the patient (a consultation may still run).
    var done = false
    var consultation: ConsultationID? = nil
    var consultationOffers = 0
    var connectedAt: Timestamp? = nil
}

/// Everything random about a mission, drawn up front from its own stream so that no policy shifts it.
struct MissionDraws {
    let onSceneMinutes: Double
    let acknowledgeMinutes: Double
    let acknowledged: Bool
    let admitted: Bool
    let lengthOfStayDays: Double
    let wantsTNA: Bool
    let tnaKind: ConsultationKind
    let tnaMinutes: Double
    let tnaEscalated: Bool
}

struct DayCounters {
    var missions = 0
    var events = 0
    var peakClosed = 0
    var tnaRequests = 0
}
