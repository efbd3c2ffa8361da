import Benchmark
import BenchmarkSupport
import Foundation
import LotseCapacity
import LotseApplication
import LotseDomain
import LotseEventStore
import LotsePostgres
import LotseSQLite
import LotseSeed

let now = Timestamp(iso8601: "2026-11-23T10:00:00Z")!

/// A store under test: SQLite (always), PostgreSQL when `LOTSE_BENCH_POSTGRES` names a server, and PostgreSQL with a
/// synchronous standby when `LOTSE_BENCH_POSTGRES_SYNC` names its primary (`Benchmarks/postgres/run.sh` sets both).
struct BenchStore: @unchecked Sendable {
    // @unchecked: the closures only close over stores, which are Sendable.
    let store: any EventStore
    let snapshots: any SnapshotStore
    let discard: () -> Void
}

/// The kinds of store benchmarked in this run, with the suffix of their benchmark names.
let storeKinds: [(suffix: String, url: String?)] = {
    let env = ProcessInfo.processInfo.environment
    var kinds: [(String, String?)] = [("", nil)]
    if let u = env["LOTSE_BENCH_POSTGRES"], !u.isEmpty { kinds.append((" – PostgreSQL", u)) }
    if let u = env["LOTSE_BENCH_POSTGRES_SYNC"], !u.isEmpty { kinds.append((" – PostgreSQL, synchronous standby", u)) }
    return kinds
}()

/// A fresh, empty store: an SQLite file in a temporary directory, or a fresh schema on the PostgreSQL server.
func freshStore(_ name: String, url: String?) async throws -> BenchStore {
    if let url {
        let schema = "bench_\(name)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let s = try await PostgresEventStore.open(try PostgresStoreURL(url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"))
        return BenchStore(store: s, snapshots: s, discard: { s.close() })
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-bench-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let s = try SQLiteEventStore(path: dir.appendingPathComponent("events.sqlite").path)
    return BenchStore(store: s, snapshots: s, discard: {
        s.close()
        try? FileManager.default.removeItem(at: dir)
    })
}

func event(_ n: Int) -> EventData {
    EventData(type: "BenchEvent", schemaVersion: 1, payload: Data("{\"n\":\(n)}".utf8), metadata: Data("{}".utf8))
}

/// Records latency percentiles and events/s of one iteration as custom metrics.
func record(_ benchmark: Benchmark, latenciesNs: [Int], events: Int, seconds: Double) {
    let sorted = latenciesNs.sorted()
    func p(_ q: Double) -> Int { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] / 1000 }
    benchmark.measurement(.custom("ack p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false), p(0.50))
    benchmark.measurement(.custom("ack p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false), p(0.99))
    benchmark.measurement(.custom("events/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(events) / seconds))
}

func nanos(_ d: Duration) -> Int { Int(d / .nanoseconds(1)) }

let customMetrics: [BenchmarkMetric] = [
    .wallClock, .custom("ack p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false),
    .custom("ack p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false),
    .custom("events/s", polarity: .prefersLarger, useScalingFactor: false),
]

/// Shared state, written in setup hooks before measurement, then only read.
nonisolated(unsafe) var single: BenchStore!
nonisolated(unsafe) var grouped: BenchStore!
nonisolated(unsafe) var updates: (store: BenchStore, service: CapacityService, projector: CapacityProjector, ids: [HospitalID], keys: [[ResourceKey]], run: Task<Void, any Error>)!
nonisolated(unsafe) var serviceEvents: (BenchStore, [StreamID], [[EventData]])!
nonisolated(unsafe) var big: BenchStore!
nonisolated(unsafe) var travel: (projector: CapacityProjector, span: Int64)?

let writers = 64, appendsPerWriter = 50

/// Runs a workload on the benchmarks' pool of as many threads as cores (`ThreadPoolExecutor`: package-benchmark
/// blocks one of Swift's two pool threads here); with LOTSE_BENCH_HARNESS_THREAD=1 as before, on what the harness leaves.
func onPool<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    if ProcessInfo.processInfo.environment["LOTSE_BENCH_HARNESS_THREAD"] == "1" { return try await body() }
    return try await withTaskExecutorPreference(ThreadPoolExecutor.shared) { try await body() }
}

/// Runs `writers` concurrent writers doing `appendsPerWriter` operations each; `settle` runs before the clock stops
/// (e.g. waiting for the projection). Records per-operation latency and events/s.
func concurrentWriters(_ benchmark: Benchmark, settle: @Sendable () async throws -> Void = {},
                       _ operation: @escaping @Sendable (_ writer: Int, _ i: Int) async throws -> Void) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await onPool { try await withThrowingTaskGroup(of: [Int].self) { g in
        for w in 0..<writers {
            g.addTask {
                var l: [Int] = []
                l.reserveCapacity(appendsPerWriter)
                for i in 0..<appendsPerWriter {
                    let t = clock.now
                    try await operation(w, i)
                    l.append(nanos(clock.now - t))
                }
                return l
            }
        }
        return try await g.reduce(into: [Int]()) { $0 += $1 }
    } }
    try await onPool { try await settle() }
    record(benchmark, latenciesNs: latencies, events: writers * appendsPerWriter, seconds: Double(nanos(clock.now - start)) / 1e9)
}

let benchmarks: @Sendable () -> Void = {
  for (suffix, url) in storeKinds {
    Benchmark(
        "Durable append – 1 writer (fsync per append)" + suffix,
        configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 20, maxDuration: .seconds(4), maxIterations: 20_000),
        closure: { _ in _ = try await single.store.append([event(1)], to: StreamID("s"), expectedVersion: .any, idempotencyKey: nil) },
        setup: { single = try await freshStore("single", url: url) },
        teardown: { single.discard() })

    Benchmark(
        "Durable append – 64 writers, group commit (3 200 appends per iteration)" + suffix,
        configuration: .init(metrics: customMetrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20),
        closure: { benchmark in
            try await concurrentWriters(benchmark) { w, i in
                _ = try await grouped.store.append([event(i)], to: StreamID("w-\(w)"), expectedVersion: .any, idempotencyKey: nil)
            }
        },
        setup: { grouped = try await freshStore("grouped", url: url) },
        teardown: { grouped.discard() })

    // The store's ceiling for the command path below, in the same run: the same 64 streams, and the events as the
    // service writes them (status reports with their metadata, encoded beforehand) — the tiny events above put 64
    // streams' index entries on a few pages; these, like the service's, touch a page per stream.
    Benchmark(
        "Durable append – 64 writers, the service's own events (64 hospitals' status reports, encoded beforehand)" + suffix,
        configuration: .init(metrics: customMetrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20),
        closure: { benchmark in
            let (store, streams, events) = serviceEvents!
            try await concurrentWriters(benchmark) { w, i in
                _ = try await store.store.append([events[w][i]], to: streams[w], expectedVersion: .any, idempotencyKey: nil)
            }
        },
        setup: {
            let store = try await freshStore("service-events", url: url)
            let regs = Array(try GermanySites.registrations().filter { !$0.profile.isEmpty }.prefix(writers))
            let codec = LotseEventCodec.standard
            var streams: [StreamID] = [], events: [[EventData]] = []
            for r in regs {
                let principal = Principal(role: .hospital, id: r.id.rawValue)
                let state = try HospitalAggregate.decide(.register(r), state: nil, now: now).reduce(nil) { HospitalAggregate.evolve($0, $1) }
                var mine: [EventData] = []
                let keys = Array(r.profile)
                for i in 0..<appendsPerWriter {
                    let command = HospitalCommand.reportStatus(keys[i % keys.count], i % 2 == 0 ? .limited : .available)
                    let meta = EventMetadata(principal: principal, correlationId: UUID().uuidString.lowercased(), idempotencyKey: nil, command: command.name)
                    for e in try HospitalAggregate.decide(command, state: state, now: now) { mine.append(try codec.encode(e, metadata: meta)) }
                }
                streams.append(LotseEventCodec.stream(for: r.id))
                events.append(mine)
                let registered = try HospitalAggregate.decide(.register(r), state: nil, now: now)
                    .map { try codec.encode($0, metadata: EventMetadata(principal: .importer, correlationId: "bench", idempotencyKey: nil, command: "Register")) }
                _ = try await store.store.append(registered, to: streams[streams.count - 1], expectedVersion: .noStream, idempotencyKey: nil)
            }
            serviceEvents = (store, streams, events)
        },
        teardown: { serviceEvents.0.discard() })

    Benchmark(
        "Durable capacity update – 64 hospitals at once via CapacityService, projection applied (3 200 per iteration)" + suffix,
        configuration: .init(metrics: customMetrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20),
        closure: { benchmark in
            let u = updates!
            try await concurrentWriters(benchmark, settle: {
                _ = await u.projector.waitUntil(position: try await u.store.store.head(), timeout: .seconds(30))
            }) { w, i in
                let id = u.ids[w % u.ids.count]
                let keys = u.keys[w % u.ids.count]
                _ = try await u.service.execute(
                    .reportStatus(keys[i % keys.count], i % 2 == 0 ? .limited : .available), hospital: id,
                    by: Principal(role: .hospital, id: id.rawValue), at: now)
            }
        },
        setup: {
            // 64 writers are 64 hospitals reporting at once: the first 64 German sites with a profile.
            let store = try await freshStore("updates", url: url)
            let service = CapacityService(store: store.store)
            let regs = Array(try GermanySites.registrations().filter { !$0.profile.isEmpty }.prefix(writers))
            for r in regs { _ = try await service.execute(.register(r), hospital: r.id, by: .importer, at: now) }
            let projector = CapacityProjector(store: store.store)
            _ = try await projector.rebuild()
            let run = Task { try await projector.run() }
            updates = (store, service, projector, regs.map(\.id), regs.map { Array($0.profile) }, run)
        },
        teardown: {
            updates.run.cancel()
            updates.store.discard()
        })

    Benchmark(
        "Rebuild capacity index from 1 000 000 events" + (url == nil ? " (SQLite)" : suffix),
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3),
        closure: { _ in
            let stats = try await onPool { try await CapacityProjector(store: big.store).rebuild() }
            precondition(stats.eventsRead >= 1_000_000)
        },
        setup: { big = try await oneMillionEvents(url: url) },
        teardown: { big.discard() })

    if url == nil {
        // What the hash chain adds to every append: one SHA-256 over the previous hash and the event as stored.
        Benchmark("EventChain.link – one event (status report, ≈ 300 bytes)", configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 1000, maxDuration: .seconds(3))) { benchmark in
            let e = RecordedEvent(position: 1, stream: StreamID("hospital-771003"), streamVersion: 7, type: "ResourceStatusReported", schemaVersion: 1,
                                  payload: Data(#"{"hospitalId":"771003","occurredAt":"2026-11-23T10:00:00.000Z","resource":"stroke-unit","status":"available"}"#.utf8),
                                  metadata: Data(#"{"command":"ReportResourceStatus","correlationId":"8c1f0d3e-5b9a-4f7e-9f2c-1d2e3f4a5b6c","principal":"hospital:zna-bergen"}"#.utf8))
            var h = EventChain.genesis
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { h = EventChain.link(h, e) }
            blackHole(h)
        }
    }

    Benchmark(
        "lotse verify – 1 000 000 events: positions, hash chain, index rebuilt" + (url == nil ? " (SQLite)" : suffix),
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3),
        closure: { _ in
            let chained = big.store as! any ChainedEventStore
            let report = try await onPool { try await LogVerifier.verify(chained, snapshots: nil, format: SnapshotFormat.current(table: nil)) }
            precondition(report.problem == nil && report.head >= 1_000_000)
        },
        setup: { big = try await oneMillionEvents(url: url) },
        teardown: { big.discard() })

    if url == nil {
        // Time travel (`/v1/board?asOf=`): the index of a random moment of the 1 000 000-event log (11.6 days, one
        // event a second), from the projection's checkpoints — and, in the same run, from the whole log as before.
        for fromCheckpoints in [true, false] {
            Benchmark(
                "Time travel – index as of a random moment of 1 000 000 events, " + (fromCheckpoints ? "checkpoints" : "whole-log replay (before)"),
                configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: fromCheckpoints ? 10 : 0, maxDuration: .seconds(20),
                                     maxIterations: fromCheckpoints ? 2_000 : 5),
                closure: { benchmark in
                    let (p, span) = travel!
                    var state = UInt64(benchmark.currentIteration + 1)
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let t = now.adding(seconds: Int64(state >> 33) % span)
                    blackHole(try await onPool { fromCheckpoints ? try await p.index(asOf: t) : try await p.replayIndex(asOf: t) })
                },
                setup: {
                    big = try await oneMillionEvents(url: url)
                    let p = CapacityProjector(store: big.store)
                    _ = try await p.rebuild()
                    travel = (p, 1_000_000)
                },
                teardown: {
                    travel = nil
                    big.discard()
                })
        }
    }

    if url == nil, ProcessInfo.processInfo.environment["LOTSE_BENCH_10M"] == "1" {
        // The cold start of issue 16, really run: 10 000 000 events (≈ 4 GB written first, minutes), rebuilt from
        // scratch, then from a snapshot plus the last 10 000. Only with LOTSE_BENCH_10M=1.
        Benchmark(
            "Cold start from 10 000 000 events (SQLite): rebuild from scratch",
            configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 2),
            closure: { _ in
                let stats = try await onPool { try await CapacityProjector(store: big.store).rebuild() }
                precondition(stats.eventsRead >= 10_000_000)
            },
            setup: { big = try await manyEvents(10_000_000, url: url) },
            teardown: { big.discard() })
        Benchmark(
            "Cold start from 10 000 000 events (SQLite): snapshot + the last 10 000",
            configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 5),
            closure: { _ in
                let stats = try await onPool { try await CapacityProjector(store: big.store).rebuild(snapshots: big.snapshots) }
                precondition(stats.fromSnapshotPosition != nil && stats.eventsRead == 10_000)
            },
            setup: {
                big = try await manyEvents(10_000_000, url: url)
                let p = CapacityProjector(store: big.store)
                _ = try await p.rebuild()
                try await p.saveSnapshot(to: big.snapshots)
                try await appendStatusEvents(to: big.store, count: 10_000, seed: 7)
            },
            teardown: { big.discard() })
    }

    Benchmark(
        "Restart from snapshot + 10 000 newer events (of 1 010 035)" + suffix,
        configuration: .init(metrics: [.wallClock], warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 5),
        closure: { _ in
            let stats = try await onPool { try await CapacityProjector(store: big.store).rebuild(snapshots: big.snapshots) }
            precondition(stats.fromSnapshotPosition != nil && stats.eventsRead == 10_000)
        },
        setup: {
            big = try await oneMillionEvents(url: url)
            let p = CapacityProjector(store: big.store)
            _ = try await p.rebuild()
            try await p.saveSnapshot(to: big.snapshots)
            try await appendStatusEvents(to: big.store, count: 10_000, seed: 7)
        },
        teardown: { big.discard() })
  }
}

/// 35 MV registrations followed by 1 000 000 status/bed/closure events, written in appends of 1 000.
func oneMillionEvents(url: String?) async throws -> BenchStore {
    try await manyEvents(1_000_000, url: url)
}

/// 35 MV registrations followed by `count` status/bed/closure events, written in appends of 1 000.
func manyEvents(_ count: Int, url: String?) async throws -> BenchStore {
    let bench = try await freshStore("rebuild", url: url)
    let store = bench.store
    let codec = LotseEventCodec()
    let meta = EventMetadata(principal: .importer, correlationId: "bench", idempotencyKey: nil, command: "Bench")
    for (r, _) in try Seeder.registrations() {
        let e = HospitalEvent.registered(HospitalRegistered(
            hospitalId: r.id, name: r.name, position: r.position, district: r.district, notfallstufe: r.notfallstufe,
            kinderNotfallstufe: r.kinderNotfallstufe, profile: r.profile, occurredAt: now))
        _ = try await store.append([try codec.encode(e, metadata: meta)], to: LotseEventCodec.stream(for: r.id), expectedVersion: .noStream, idempotencyKey: nil)
    }
    try await appendStatusEvents(to: store, count: count, seed: 1)
    return bench
}

func appendStatusEvents(to store: any EventStore, count: Int, seed: UInt64) async throws {
    let codec = LotseEventCodec()
    let meta = EventMetadata(principal: .importer, correlationId: "bench", idempotencyKey: nil, command: "Bench")
    let regs = try Seeder.registrations().map(\.0).filter { !$0.profile.isEmpty }
    var state = seed
    func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33)
    }
    var written = 0
    while written < count {
        let r = regs[next() % regs.count]
        let keys = Array(r.profile)
        var batch: [EventData] = []
        for i in 0..<min(1000, count - written) {
            let at = now.adding(seconds: Int64(written + i))
            let k = keys[next() % keys.count]
            let e: HospitalEvent = switch next() % 10 {
            case 0: .closed(ResourceClosed(hospitalId: r.id, resource: k, reason: "Bench", until: at.adding(minutes: 60), occurredAt: at))
            case 1: .bedsReported(BedCountsReported(hospitalId: r.id, beds: [.icuHighCare: BedCount(free: next() % 5, operable: 8)], occurredAt: at))
            default: .statusReported(ResourceStatusReported(hospitalId: r.id, resource: k, status: next() % 2 == 0 ? .available : .limited, occurredAt: at))
            }
            batch.append(try codec.encode(e, metadata: meta))
        }
        _ = try await store.append(batch, to: LotseEventCodec.stream(for: r.id), expectedVersion: .any, idempotencyKey: nil)
        written += batch.count
    }
}
