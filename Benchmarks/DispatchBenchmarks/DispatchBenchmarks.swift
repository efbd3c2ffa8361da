import Foundation
import Benchmark
import LotseAPI
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseSeed
import NIOCore

/// State shared by the benchmarks, built once in `setup`.
/// `nonisolated(unsafe)`: written only in the setup hook, before any benchmark runs, then only read.
nonisolated(unsafe) var fixtures: [String: (index: CapacityIndex, peer: SQLPeer, queries: [DispatchQuery])] = [:]
/// The ranking with the great-circle travel rule the SQL peer implements (the peer must agree before it is timed).
nonisolated(unsafe) var ranking: DispatchRanking!
/// The ranking as Lotse ships it: the calibrated travel model (issue 15), timed in the same run.
nonisolated(unsafe) var calibrated: DispatchRanking!
/// The ranking as it ran before issue 15: the great-circle rule called through the protocol for every site (the loop is
/// specialised only for the models Lotse ships; this wrapper is not one of them).
nonisolated(unsafe) var before15: DispatchRanking!
nonisolated(unsafe) var table: RequirementTable!
/// The Germany-scale index after a year of events, with its history (only with LOTSE_BENCH_DE_YEAR=1: ≈ 74 M events,
/// a few minutes of setup).
nonisolated(unsafe) var germanyYear: GermanyYear.Result?
let withGermanyYear = ProcessInfo.processInfo.environment["LOTSE_BENCH_DE_YEAR"] == "1"

/// The great-circle rule behind a type the ranking does not specialise for: its drive is a witness-table call per site.
struct ThroughProtocol: TravelTimeModel {
    let rule: GreatCircleTravelTime
    var name: String { rule.name }
    var needsHospitalID: Bool { false }
    func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
        rule.drive(from: origin, to: hospital, at: destination, urgency: urgency)
    }
}

let now = Timestamp(iso8601: "2026-11-23T10:00:00Z")!

func prepare(_ name: String, registrations: [HospitalRegistration], lat: ClosedRange<Double>, lon: ClosedRange<Double>) throws {
    let index = try demoIndex(registrations, at: now)
    let queries = try positions(1024, lat: lat, lon: lon, seed: 42).map {
        try DispatchQuery(position: $0, pzc: try PZC(parsing: "421701"), limit: 10)
    }
    let peer = try SQLPeer(index: index)
    // The peer must agree with Lotse before it is worth timing.
    let requirement = try ranking.requirement(for: queries[0])
    for q in queries.prefix(200) {
        let lotse = try ranking.rank(q, in: index, at: now).candidates.map(\.hospitalId.rawValue)
        let sql = peer.rank(q, requirement: requirement, parameters: ranking.parameters, at: now)
        guard lotse == sql else { throw PeerError("\(name): SQL peer disagrees at \(q.position): \(lotse) vs \(sql)") }
    }
    fixtures[name] = (index, peer, queries)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 100,
        maxDuration: .seconds(3), maxIterations: 200_000)

    Benchmark.setup = {
        table = try ReferenceData.requirementTable()
        ranking = try DispatchRanking(table: table, travel: GreatCircleTravelTime(parameters: DispatchParameters()))
        calibrated = try DispatchRanking(table: table)
        before15 = try DispatchRanking(table: table, travel: ThroughProtocol(rule: GreatCircleTravelTime(parameters: DispatchParameters())))
        try prepare("MV", registrations: try Seeder.registrations().map(\.0), lat: 53.1...54.7, lon: 10.6...14.4)
        try prepare("DE", registrations: try GermanySites.registrations(), lat: 47.3...55.0, lon: 5.9...15.0)
        // Once per process (the setup hook runs before every benchmark).
        if withGermanyYear, germanyYear == nil {
            let before = residentMemoryMB()
            let year = GermanyYear.apply(to: fixtures["DE"]!.index, from: now) { done, total in
                FileHandle.standardError.write(Data("Germany-scale year: \(done / 1_000_000) of \(total / 1_000_000) M events\n".utf8))
            }
            germanyYear = year
            let after = residentMemoryMB()
            let report = String(
                format: "Germany-scale year: %d events applied in %.0f s (%.1f M events/s); %d hospitals, %d announcements kept, %d history checkpoints; resident %.0f MB before the year (every fixture of this benchmark), %.0f MB after (+%.0f MB), peak %.0f MB\n",
                year.events, year.seconds, Double(year.events) / year.seconds / 1e6, year.index.hospitals.count, year.index.announcements.count,
                year.history.checkpoints.count, before.resident, after.resident, after.resident - before.resident, after.peak)
            FileHandle.standardError.write(Data(report.utf8))
        }
    }

    for scope in ["MV", "DE"] {
        for variant in ["calibrated travel model", "great-circle rule (as the peer)", "great-circle through the protocol (as before issue 15)"] {
            Benchmark("Dispatch \(scope) stroke – Lotse, \(variant)") { benchmark in
                let f = fixtures[scope]!
                let r: DispatchRanking = variant.hasPrefix("calibrated") ? calibrated : variant.hasSuffix("peer)") ? ranking : before15
                var i = 0
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try r.rank(f.queries[i & 1023], in: f.index, at: now))
                    i += 1
                }
            }
        }
        // What `GET /v1/dispatch` does beside the HTTP stack: rank, explain, write the JSON answer (issue 16).
        Benchmark("Dispatch \(scope) stroke – Lotse, ranked and written as the API's JSON answer") { benchmark in
            let f = fixtures[scope]!
            var i = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try calibrated.rank(f.queries[i & 1023], in: f.index, at: now).withJSON { ByteBuffer(bytes: $0) })
                i += 1
            }
        }
        if scope == "DE", withGermanyYear {
            // The same queries on the index after a year of events (LOTSE_BENCH_DE_YEAR=1).
            Benchmark("Dispatch DE stroke – Lotse, calibrated travel model, after a year of events") { benchmark in
                let f = fixtures["DE"]!, index = germanyYear!.index
                let at = index.latestOccurredAt ?? now
                var i = 0
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try calibrated.rank(f.queries[i & 1023], in: index, at: at))
                    i += 1
                }
            }
        }
        Benchmark("Dispatch \(scope) stroke – SQL peer (SQLite)") { benchmark in
            let f = fixtures[scope]!
            let requirement = try ranking.requirement(for: f.queries[0])
            var i = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(f.peer.rank(f.queries[i & 1023], requirement: requirement, parameters: ranking.parameters, at: now))
                i += 1
            }
        }
    }
    manvBenchmarks()
}
