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

/// The physicians' answers once the burst is in: each offered case accepted and ended, which offers the next — until
/// the queue is empty. Every answer is one decision.
func drainInputs(_ s: TNAState) -> [TNAInput] {
    s.open.values.filter { $0.status == .offered }.sorted { $0.request.id < $1.request.id }.flatMap { c -> [TNAInput] in
        guard let p = c.physician else { return [] }
        return [.accept(c.request.id, by: p), .end(c.request.id, by: p, disposition: .treatedOnScene)]
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "TNA burst: 1 000 requests against 20 physicians, then the queue served (pure dispatcher)",
        configuration: .init(metrics: metrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        var s = try staffed()
        var latencies: [Int] = []
        var events = 0
        let clock = ContinuousClock()
        let start = clock.now
        func decide(_ input: TNAInput, at now: Timestamp) throws {
            let t = clock.now
            let e = try TNADispatchAggregate.decide(input, state: s, now: now)
            for event in e { TNADispatchAggregate.apply(&s, event) }
            latencies.append(nanos(clock.now - t))
            events += e.count
        }
        for i in 0..<1000 { try decide(request(i), at: t0.adding(seconds: Int64(i / 10))) }
        var now = t0.adding(seconds: 100)
        while !s.open.isEmpty {
            now = now.adding(seconds: 1)
            for input in drainInputs(s) { try decide(input, at: now) }
        }
        record(benchmark, latencies, events: events, total: clock.now - start)
        precondition(s.consultations.count == 1000 && latencies.count == 3000)
    }

    Benchmark(
        "TNA burst: 1 000 requests against 20 physicians, then the queue served (TNAService, in-memory log)",
        configuration: .init(metrics: metrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        let store = InMemoryEventStore()
        let manual = ManualClock(t0)
        let service = TNAService(store: store, network: network, clock: manual)
        for i in 0..<20 { try await service.handle(.signOn(PhysicianID("dr-\(i)"), centre: CentreID("TNA-Greifswald"), maxParallel: 1), by: .system) }
        var latencies: [Int] = []
        var events = 0
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<1000 {
            if i % 10 == 0 { manual.advance(seconds: 1) }
            let t = clock.now
            events += try await service.handle(request(i), by: Principal(role: .crew, id: "rtw")).count
            latencies.append(nanos(clock.now - t))
        }
        while await !service.state.open.isEmpty {
            manual.advance(seconds: 1)
            for input in drainInputs(await service.state) {
                let t = clock.now
                events += try await service.handle(input, by: Principal(role: .physician, id: "tna")).count
                latencies.append(nanos(clock.now - t))
            }
        }
        record(benchmark, latencies, events: events, total: clock.now - start)
        precondition(latencies.count == 3000)
    }
}
