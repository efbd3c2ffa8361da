import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import Testing

/// The catch-up reads the log in pages of position ranges, two of them read and decoded ahead while it applies the
/// page before (issue 16). Whatever the page size, the bounds and gaps in the positions, it must fold exactly the
/// events a plain walk of the log folds.
struct CatchUpTests {
    /// The plain walk: every event after `after` up to `through`, one at a time.
    func walked(_ store: any EventStore, after: Int64, through: Int64, include: ((LotseEvent) -> Bool)? = nil) async throws -> (CapacityIndex, Int) {
        var index = CapacityIndex()
        var read = 0
        var all: [RecordedEvent] = []
        while true {
            let more = try await store.read(after: all.last?.position ?? 0, limit: 1000)
            if more.isEmpty { break }
            all += more
        }
        for r in all where r.position <= through {
            if r.position <= after { index.apply(try LotseEventCodec().decodeAny(r), at: r.position); continue }
            read += 1
            let e = try LotseEventCodec().decodeAny(r)
            if let include {
                guard let e, include(e) else { continue }
            }
            index.apply(e, at: r.position)
        }
        return (index, read)
    }

    @Test(arguments: [21, 22] as [UInt64])
    func pagesOfAnySizeFoldWhatTheWalkFolds(seed: UInt64) async throws {
        let (memory, times) = try await TimeTravelTests().randomLog(seed: seed, steps: 200)
        let head = try await memory.head()
        var rng = SplitMix64(seed: seed)
        for store in [memory as any EventStore, GappyStore(base: memory), ShortReadStore(base: memory)] {
            for pageSize in [1, 2, 3, 7, 64, 4096] {
                // The whole log, a stretch of it, and a moment's fold (some events left out).
                let after = Int64.random(in: 0...(head / 2), using: &rng)
                let through = Int64.random(in: after...head, using: &rng)
                let moment = times.randomElement(using: &rng)!
                for (a, t, include) in [(0, Int64.max, nil), (after, through, nil), (0, Int64.max, { (e: LotseEvent) in e.occurredAt <= moment })] as [(Int64, Int64, ((LotseEvent) -> Bool)?)] {
                    var start = try await walked(store, after: 0, through: a).0
                    let read = try await start.catchUp(from: store, codec: LotseEventCodec(), pageSize: pageSize, after: a, through: t, include: include)
                    let (expected, expectedRead) = try await walked(store, after: a, through: t, include: include)
                    #expect(start == expected && start.position == expected.position, "page \(pageSize), after \(a), through \(t)")
                    #expect(read == expectedRead, "page \(pageSize), after \(a), through \(t)")
                }
            }
        }
    }

    /// A catch-up that meets the head stops there; the next one reads what was appended since, nothing skipped.
    @Test func theNextCatchUpReadsWhatWasAppendedSince() async throws {
        let (store, _) = try await TimeTravelTests().randomLog(seed: 5, steps: 120)
        var index = CapacityIndex()
        try await index.catchUp(from: store, codec: LotseEventCodec(), pageSize: 16)
        #expect(index.position == (try await store.head()))
        var rng = SplitMix64(seed: 6)
        let service = CapacityService(store: store)
        let ids = index.hospitals.map(\.id)
        for _ in 0..<40 {
            let (id, command) = randomCommand(ids, &rng, now: t0.adding(minutes: 9000))
            do { _ = try await service.execute(command, hospital: id, by: Principal(role: .hospital, id: id.rawValue), at: t0.adding(minutes: 9000)) } catch is CapacityService.Failure {}
        }
        #expect(try await store.head() > index.position)
        try await index.catchUp(from: store, codec: LotseEventCodec(), pageSize: 16)
        #expect(index == (try await walked(store, after: 0, through: .max).0))
    }
}

/// A view of an in-memory log that changes only what `read(after:limit:)` answers; everything else is the log's.
protocol ReadView: EventStore {
    var base: InMemoryEventStore { get }
}

extension ReadView {
    func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        try await base.append(events, to: stream, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey)
    }
    func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] { try await base.readStream(stream, after: version) }
    func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, after: version, limit: limit)
    }
    func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? { try await base.idempotentResult(for: key) }
    func head() async throws -> Int64 { try await base.head() }
    func subscribe(after position: Int64) -> EventSubscription { base.subscribe(after: position) }
}

/// A store that answers fewer events than asked before its head (as PostgreSQL's window of a node's own recent
/// commits does where another node's commits begin): at most 3 per read, and never across a multiple of 10.
struct ShortReadStore: ReadView {
    let base: InMemoryEventStore

    func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        for r in try await base.read(after: position, limit: min(limit, 3)) {
            out.append(r)
            if r.position % 10 == 0 { break }
        }
        return out
    }
}

/// The log with every third position missing (as a store with gaps in its positions shows it).
struct GappyStore: ReadView {
    let base: InMemoryEventStore

    func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        Array(try await base.read(after: position, limit: .max).filter { $0.position % 3 != 0 }.prefix(limit))
    }
}
