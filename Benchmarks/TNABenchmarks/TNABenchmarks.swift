import Benchmark
import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore
import LotseTelenotarzt
import LotseTime

let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
let districts = ["Rostock", "Schwerin", "Mecklenburgische Seenplatte", "Landkreis Rostock", "Vorpommern-Rügen",
                 "Nordwestmecklenburg", "Vorpommern-Greifswald", "Ludwigslust-Parchim"].map(DistrictID.init)
let network = TNANetwork.mecklenburgVorpommern(districts: districts)

/// 20 physicians signed on (1 case each).
func staffed() throws -> TNAState {
    var s = TNAState(network: network)
    for i in 0..<20 {
        let e = try TNADispatchAggregate.decide(.signOn(PhysicianID("dr-\(i)"), centre: CentreID("TNA-Greifswald"), maxParallel: 1), state: s, now: t0)
        s = e.reduce(s) { TNADispatchAggregate.evolve($0, $1) }
    }
    return s
}

func request(_ i: Int) -> TNAInput {
    .request(ConsultationRequest(id: ConsultationID("k\(i)"), kind: .crewAdvice, priority: 1 + i % 4, district: districts[i % 8],
                                 position: nil, pzc: nil, unit: "RTW-\(i % 84)"))
}

func nanos(_ d: Duration) -> Int { Int(d / .nanoseconds(1)) }

let metrics: [BenchmarkMetric] = [
    .wallClock, .custom("decision p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false),
    .custom("decision p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false),
    .custom("events/s", polarity: .prefersLarger, useScalingFactor: false),
]

func record(_ b: Benchmark, _ latencies: [Int], events: Int, total: Duration) {
    let s = latencies.sorted()
    b.measurement(.custom("decision p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false), s[s.count / 2] / 1000)
    b.measurement(.custom("decision p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false), s[s.count * 99 / 100] / 1000)
    b.measurement(.custom("events/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(events) / (Double(nanos(total)) / 1e9)))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "TNA burst: 1 000 requests against 20 physicians (pure dispatcher)",
        configuration: .init(metrics: metrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        var s = try staffed()
        var latencies: [Int] = []
        var events = 0
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<1000 {
            let t = clock.now
            let e = try TNADispatchAggregate.decide(request(i), state: s, now: t0.adding(seconds: Int64(i / 10)))
            s = e.reduce(s) { TNADispatchAggregate.evolve($0, $1) }
            latencies.append(nanos(clock.now - t))
            events += e.count
        }
        record(benchmark, latencies, events: events, total: clock.now - start)
        precondition(s.consultations.count == 1000)
    }

    Benchmark(
        "TNA burst: 1 000 requests against 20 physicians (TNAService, in-memory log)",
        configuration: .init(metrics: metrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        let store = InMemoryEventStore()
        let service = TNAService(store: store, network: network, clock: ManualClock(t0))
        for i in 0..<20 { try await service.handle(.signOn(PhysicianID("dr-\(i)"), centre: CentreID("TNA-Greifswald"), maxParallel: 1), by: .system) }
        var latencies: [Int] = []
        var events = 0
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<1000 {
            let t = clock.now
            events += try await service.handle(request(i), by: Principal(role: .crew, id: "rtw")).count
            latencies.append(nanos(clock.now - t))
        }
        record(benchmark, latencies, events: events, total: clock.now - start)
    }
}
