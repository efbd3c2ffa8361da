import Foundation
import LotseEventStore
import LotseSQLite
import Synchronization
import Testing

/// One contract, every adapter (DESIGN §2, STYLE "What this looks like here" 3).
@Suite struct EventStoreContractTests {
    let a = StreamID("hospital-a"), b = StreamID("hospital-b")

    @Test(arguments: StoreKind.allCases)
    func appendAssignsGapFreePositionsAndStreamVersions(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        let r1 = try await s.append([event(1), event(2), event(3)], to: a, expectedVersion: .noStream, idempotencyKey: nil)
        #expect(r1 == AppendResult(streamVersion: 3, firstPosition: 1, lastPosition: 3, deduplicated: false))
        let r2 = try await s.append([event(4)], to: b, expectedVersion: .noStream, idempotencyKey: nil)
        #expect(r2.firstPosition == 4 && r2.streamVersion == 1)
        let r3 = try await s.append([event(5)], to: a, expectedVersion: .exact(3), idempotencyKey: nil)
        #expect(r3.lastPosition == 5 && r3.streamVersion == 4)

        let all = try await s.read(after: 0, limit: 100)
        #expect(all.map(\.position) == [1, 2, 3, 4, 5])
        #expect(all.map(\.stream) == [a, a, a, b, a])
        #expect(all.map(\.payload) == (1...5).map { event($0).payload })
        #expect(all.allSatisfy { $0.type == "TestEvent" && $0.schemaVersion == 1 })
        #expect(try await s.read(after: 3, limit: 100).map(\.position) == [4, 5])
        #expect(try await s.read(after: 1, limit: 2).map(\.position) == [2, 3])
        #expect(try await s.read(after: 5, limit: 10).isEmpty)
        #expect(try await s.readStream(a).map(\.streamVersion) == [1, 2, 3, 4])
        #expect(try await s.readStream(a, after: 2).map(\.position) == [3, 5])
        // A page of a stream: at most `limit`, from after the version given.
        #expect(try await s.readStream(a, after: 0, limit: 2).map(\.streamVersion) == [1, 2])
        #expect(try await s.readStream(a, after: 2, limit: 1).map(\.position) == [3])
        #expect(try await s.readStream(a, after: 3, limit: 10).map(\.position) == [5])
        #expect(try await s.readStream(a, after: 4, limit: 10).isEmpty)
        #expect(try await s.readStream(a, after: 0, limit: 0).isEmpty)
        #expect(try await s.head() == 5)
    }

    /// Any page of any stream is the slice of that stream's events in the log, whatever the stream's length: long
    /// streams interleaved with short ones, read from every kind of starting version with limits around SQLite's
    /// marks (`SQLiteSchema.markInterval` = 32), before and after reopening.
    @Test(arguments: StoreKind.allCases)
    func everyPageOfAStreamIsTheSliceOfItsEventsInTheLog(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        var x: UInt64 = 16
        func random(_ n: Int) -> Int {  // a fixed sequence (Knuth's MMIX LCG): a failure replays
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
        let streams = (0..<6).map { StreamID("s-\($0)") }
        var n = 0
        for _ in 0..<120 {
            // Stream 0 gets most appends (≈ 200 events), the others few; batches of 1–3 events.
            let stream = random(3) == 0 ? streams[random(6)] : streams[0]
            let count = random(3) + 1
            _ = try await f.current.append((0..<count).map { _ in n += 1; return event(n) }, to: stream, expectedVersion: .any, idempotencyKey: nil)
        }
        for round in 0..<2 {
            let s = round == 0 ? f.current : try await f.reopen()
            let log = try await s.read(after: 0, limit: 10_000)
            for stream in streams {
                let mine = log.filter { $0.stream == stream }
                #expect(mine.map(\.streamVersion) == Array(1...Int64(mine.count)))
                #expect(try await s.readStream(stream) == mine)
                for _ in 0..<40 {
                    let after = random(mine.count + 2)
                    let limit = [0, 1, 31, 32, 33, 64, 100, 1_000][random(8)]
                    let expected = Array(mine.dropFirst(after).prefix(limit))
                    #expect(try await s.readStream(stream, after: Int64(after), limit: limit) == expected, "\(stream) after \(after) limit \(limit)")
                }
            }
            #expect(try await s.readStream(StreamID("never-written"), after: 0, limit: 10).isEmpty)
            // A version below 0 reads from the start (as 0 does).
            #expect(try await s.readStream(streams[0], after: -5, limit: 3) == Array(log.filter { $0.stream == streams[0] }.prefix(3)))
        }
    }

    /// A scan hands out what a read gives — position, type, schema version, payload bytes — page by page, from the
    /// writer's memory and, after reopening, from the file.
    @Test(arguments: StoreKind.allCases)
    func aScanHandsOutWhatAReadGives(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        for i in 1...50 {
            _ = try await f.current.append([event(i, type: i % 3 == 0 ? "OtherEvent" : "TestEvent")], to: StreamID("s-\(i % 4)"),
                                           expectedVersion: .any, idempotencyKey: nil)
        }
        for round in 0..<2 {
            let s = round == 0 ? f.current : try await f.reopen()
            let expected = try await s.read(after: 0, limit: 100).map { "\($0.position) \($0.type) \($0.schemaVersion) \($0.payload.hex)" }
            var scanned: [String] = [], after: Int64 = 0
            while true {
                let page = try await s.scan(after: after, limit: 7) { "\($0.position) \($0.type) \($0.schemaVersion) \(Data($0.payload).hex)" }
                guard !page.isEmpty else { break }
                scanned += page
                after = Int64(page[page.count - 1].prefix { $0 != " " })!
            }
            #expect(scanned == expected)
            #expect(expected.count == 50)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func wrongExpectedVersionIsAConflictAndWritesNothing(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        _ = try await s.append([event(1)], to: a, expectedVersion: .noStream, idempotencyKey: nil)
        await #expect(throws: EventStoreError.wrongExpectedVersion(stream: a, expected: .noStream, actual: 1)) {
            try await s.append([event(2), event(3)], to: a, expectedVersion: .noStream, idempotencyKey: nil)
        }
        await #expect(throws: EventStoreError.wrongExpectedVersion(stream: a, expected: .exact(7), actual: 1)) {
            try await s.append([event(2), event(3)], to: a, expectedVersion: .exact(7), idempotencyKey: "k-conflict")
        }
        #expect(try await s.head() == 1)
        #expect(try await s.readStream(a).count == 1)
        // A refused append does not burn its idempotency key.
        #expect(try await s.idempotentResult(for: "k-conflict") == nil)
        // And does not burn positions: the next append continues at 2.
        #expect(try await s.append([event(2)], to: a, expectedVersion: .exact(1), idempotencyKey: nil).firstPosition == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentWritersGetGapFreePositions(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        let writers = 16, appendsEach = 40
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<writers {
                g.addTask {
                    let stream = StreamID("w-\(w)")
                    for i in 0..<appendsEach {
                        // Every third append carries two events, to mix batch shapes.
                        let events = i % 3 == 0 ? [event(i), event(i)] : [event(i)]
                        _ = try await s.append(events, to: stream, expectedVersion: .any, idempotencyKey: nil)
                    }
                }
            }
            try await g.waitForAll()
        }
        let total = writers * (appendsEach + (appendsEach + 2) / 3)
        let all = try await s.read(after: 0, limit: 10_000)
        #expect(all.count == total)
        #expect(all.map(\.position) == (1...Int64(total)).map { $0 })
        for w in 0..<writers {
            let versions = all.filter { $0.stream.rawValue == "w-\(w)" }.map(\.streamVersion)
            #expect(versions == (1...Int64(versions.count)).map { $0 })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func racingAppendsWithTheSameExpectedVersionHaveOneWinner(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { g in
            for i in 0..<12 {
                g.addTask {
                    do {
                        _ = try await s.append([event(i)], to: a, expectedVersion: .noStream, idempotencyKey: nil)
                        return true
                    } catch EventStoreError.wrongExpectedVersion { return false }
                }
            }
            return try await g.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await s.head() == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyKeyReturnsTheFirstResultAndAppendsNothing(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        let first = try await s.append([event(1), event(2)], to: a, expectedVersion: .noStream, idempotencyKey: "cmd-1")
        let retry = try await s.append([event(99)], to: a, expectedVersion: .noStream, idempotencyKey: "cmd-1")
        #expect(retry == first.asDeduplicated())
        #expect(try await s.head() == 2)
        await #expect(throws: EventStoreError.idempotencyKeyReused(key: "cmd-1")) {
            try await s.append([event(3)], to: b, expectedVersion: .any, idempotencyKey: "cmd-1")
        }
        let looked = try await s.idempotentResult(for: "cmd-1")
        #expect(looked?.0 == a && looked?.1.lastPosition == 2)
        // Concurrent retries of one command: exactly one append happens.
        try await withThrowingTaskGroup(of: AppendResult.self) { g in
            for _ in 0..<8 { g.addTask { try await s.append([event(5)], to: b, expectedVersion: .any, idempotencyKey: "cmd-2") } }
            let results = try await g.reduce(into: [AppendResult]()) { $0.append($1) }
            #expect(results.filter { !$0.deduplicated }.count == 1)
            #expect(Set(results.map(\.lastPosition)) == [3])
        }
        #expect(try await s.head() == 3)
        if f.persists {
            let reopened = try await f.reopen()
            #expect(try await reopened.append([event(7)], to: a, expectedVersion: .any, idempotencyKey: "cmd-1") == first.asDeduplicated())
            #expect(try await reopened.head() == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func emptyAppendChecksTheVersionAndWritesNothing(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        _ = try await s.append([event(1)], to: a, expectedVersion: .noStream, idempotencyKey: nil)
        let r = try await s.append([], to: a, expectedVersion: .exact(1), idempotencyKey: nil)
        #expect(r.streamVersion == 1 && r.lastPosition == 1)
        await #expect(throws: EventStoreError.self) { try await s.append([], to: a, expectedVersion: .exact(0), idempotencyKey: nil) }
        #expect(try await s.head() == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func subscriptionDeliversStoredThenLiveEventsInOrder(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        for i in 1...5 { _ = try await s.append([event(i)], to: a, expectedVersion: .any, idempotencyKey: nil) }
        let received = try await withThrowingTaskGroup(of: [Int64].self) { g in
            g.addTask {
                var seen: [Int64] = []
                for try await e in s.subscribe(after: 2) {
                    seen.append(e.position)
                    if seen.count == 13 { break }
                }
                return seen
            }
            g.addTask {
                for i in 6...15 {
                    _ = try await s.append([event(i)], to: b, expectedVersion: .any, idempotencyKey: nil)
                    try await Task.sleep(for: .milliseconds(2))
                }
                return []
            }
            var out: [Int64] = []
            for try await r in g where !r.isEmpty { out = r }
            return out
        }
        #expect(received == (3...15).map { $0 })
    }

    @Test(arguments: StoreKind.allCases)
    func subscriptionEndsWhenItsTaskIsCancelled(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        let task = Task {
            var n = 0
            for try await _ in s.subscribe(after: 0) { n += 1 }
            return n
        }
        try await Task.sleep(for: .milliseconds(20))
        task.cancel()
        #expect(try await task.value == 0)
    }
}

/// Properties of the adapters that persist (SQLite, PostgreSQL), which the in-memory twin does not have.
@Suite struct PersistentAdapterTests {
    @Test(arguments: StoreKind.persistent)
    func eventsSurviveReopening(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current
        for i in 1...20 { _ = try await s.append([event(i)], to: StreamID("s-\(i % 3)"), expectedVersion: .any, idempotencyKey: "k\(i)") }
        let before = try await s.read(after: 0, limit: 100)
        let reopened = try await f.reopen()
        #expect(try await reopened.read(after: 0, limit: 100) == before)
        #expect(try await reopened.append([event(21)], to: StreamID("s-0"), expectedVersion: .exact(6), idempotencyKey: nil).firstPosition == 21)
    }

    @Test(arguments: StoreKind.persistent)
    func snapshotsAreStoredAndReplaced(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = f.current as! SnapshotStore
        #expect(try await s.load(name: "x") == nil)
        try await s.save(Snapshot(name: "x", position: 5, data: Data("a".utf8)))
        try await s.save(Snapshot(name: "x", position: 9, data: Data("b".utf8)))
        #expect(try await s.load(name: "x") == Snapshot(name: "x", position: 9, data: Data("b".utf8)))
    }

    @Test func aSecondSQLiteWriterIsSeenBySubscribers() async throws {
        // Two store instances on one file behave like two processes: positions stay gap-free and a
        // subscriber of the first sees the second's appends (by polling).
        let f = try await StoreFixture(.sqlite)
        let one = f.current
        let two = try SQLiteEventStore(path: f.path, pollInterval: .milliseconds(20))
        defer { two.close() }
        _ = try await one.append([event(1)], to: StreamID("a"), expectedVersion: .any, idempotencyKey: nil)
        _ = try await two.append([event(2)], to: StreamID("b"), expectedVersion: .any, idempotencyKey: nil)
        _ = try await one.append([event(3)], to: StreamID("a"), expectedVersion: .exact(1), idempotencyKey: nil)
        var seen: [Int64] = []
        for try await e in one.subscribe(after: 0) {
            seen.append(e.position)
            if seen.count == 3 { break }
        }
        #expect(seen == [1, 2, 3])
    }

    @Test func readsFromTheWritersMemoryEqualTheFile() async throws {
        // Each writer answers reads of what it just committed from memory (`RecentEvents`); two writers on one file
        // interleave, so each one's run of positions breaks. Every page of either is a non-empty start of what a third
        // instance that never wrote reads from the file (a page may stop where the writer's memory ends), and reading
        // on from it yields the same events.
        let f = try await StoreFixture(.sqlite)
        let one = f.current
        let two = try SQLiteEventStore(path: f.path, pollInterval: .milliseconds(20))
        let file = try SQLiteEventStore(path: f.path, pollInterval: .milliseconds(20))
        defer { two.close(); file.close() }
        var rng = SystemRandomNumberGenerator()
        var head: Int64 = 0
        for step in 0..<60 {
            let writer: any EventStore = Int.random(in: 0..<3, using: &rng) == 0 ? two : one
            let n = Int.random(in: 1...4, using: &rng)
            let r = try await writer.append((0..<n).map { event(step * 10 + $0) }, to: StreamID("s-\(step % 5)"), expectedVersion: .any, idempotencyKey: nil)
            head = r.lastPosition
            for _ in 0..<4 {
                let after = Int64.random(in: 0...head, using: &rng)
                let limit = [1, 3, 1024, Int.max].randomElement(using: &rng)!
                let expected = try await file.read(after: after, limit: limit)
                for (name, store) in [("one", one), ("two", two as any EventStore)] {
                    let page = try await store.read(after: after, limit: limit)
                    #expect(page.isEmpty == expected.isEmpty && Array(expected.prefix(page.count)) == page, "\(name), after \(after), limit \(limit)")
                    var all = page
                    while all.count < expected.count, let last = all.last {
                        let more = try await store.read(after: last.position, limit: limit - all.count)
                        if more.isEmpty { break }
                        all += more
                    }
                    #expect(all == expected, "\(name) read on, after \(after), limit \(limit)")
                }
            }
        }
        #expect(try await one.read(after: 0, limit: .max).map(\.position) == Array(1...head))
    }
}
