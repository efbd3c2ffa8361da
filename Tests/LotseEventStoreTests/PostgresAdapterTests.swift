import Foundation
import Logging
import LotseEventStore
import LotsePostgres
import NIOCore
import PostgresNIO
import Synchronization
import Testing

/// `.ci/run` requires the PostgreSQL cases; a developer without a server sees them skipped, not passed silently.
@Suite struct PostgresTestSetup {
    @Test func ciRunsThePostgresCases() {
        if PostgresTestServer.required { #expect(PostgresTestServer.url != nil, "LOTSE_REQUIRE_POSTGRES=1 but LOTSE_TEST_POSTGRES is not set") }
    }
}

/// The parts of the PostgreSQL store URL a node is started with; no server needed.
@Suite struct PostgresStoreURLTests {
    @Test func parsesHostListsTargetsAndSchema() throws {
        let u = try PostgresStoreURL("postgres://lotse:geheim@db1:5433,db2/lotse?target_session_attrs=any&schema=mv", environment: [:])
        #expect(u.hosts == [.init(name: "db1", port: 5433), .init(name: "db2", port: 5432)])
        #expect(u.user == "lotse" && u.password == "geheim" && u.database == "lotse" && u.target == .any && u.schema == "mv")
        #expect(!u.description.contains("geheim"))
        let fromEnv = try PostgresStoreURL("postgresql://lotse@localhost/lotse", environment: ["PGPASSWORD": "s3"])
        #expect(fromEnv.password == "s3" && fromEnv.target == .readWrite && fromEnv.schema == "public")
    }

    @Test(arguments: [
        "postgres://", "postgres://host/db", "postgres://u@host", "postgres://u@host:99999/db", "postgres://u@host/db?x=1",
        "postgres://u@host/db?target_session_attrs=primary", "postgres://u@host/db?schema=Robert;DROP", "mysql://u@h/db",
        "postgres://u@host/db?sslmode=require", "postgres://u@,/db",
    ])
    func refusesWhatDoesNotParse(_ text: String) {
        #expect(throws: PostgresStoreError.self) { try PostgresStoreURL(text, environment: [:]) }
        do { _ = try PostgresStoreURL(text, environment: [:]) } catch {
            #expect(error.description.hasPrefix("Speicher-URL ungültig"))
            #expect(!error.description.contains("\n"))
        }
    }
}

/// What only the PostgreSQL adapter has to prove: positions in commit order across nodes, the database's own
/// refusal of changes, leases, notifications, and clear refusals of a server or database that is not right.
@Suite(.enabled(if: PostgresTestServer.url != nil, "LOTSE_TEST_POSTGRES not set"))
struct PostgresAdapterTests {
    let logger = Logger(label: "test")

    /// A raw connection to the test server (for what Lotse itself never does).
    func raw() async throws -> PostgresConnection {
        let u = try PostgresTestServer.freshURL()
        let h = u.hosts[0]
        return try await PostgresConnection.connect(
            configuration: .init(host: h.name, port: h.port, username: u.user, password: u.password, database: u.database, tls: .disable),
            id: 1, logger: logger)
    }

    @Test func concurrentNodesWithRollbacksLeaveNoGapAndNoReaderSkipsAPosition() async throws {
        let url = try PostgresTestServer.freshURL()
        let nodes = [
            try await PostgresEventStore.open(url, pollInterval: .milliseconds(20)),
            try await PostgresEventStore.open(url, pollInterval: .milliseconds(20)),
            try await PostgresEventStore.open(url, pollInterval: .milliseconds(20)),
        ]
        let observer = try await PostgresEventStore.open(url, pollInterval: .milliseconds(20))
        defer { (nodes + [observer]).forEach { $0.close() } }
        let conn = try await raw()
        defer { conn.close().whenComplete { _ in withExtendedLifetime(conn) {} } }

        let writersPerNode = 6, appendsEach = 30
        let acknowledged = Locked<[AppendResult]>([])
        let readerViolations = Locked<[String]>([])
        let done = Locked(false)

        try await withThrowingTaskGroup(of: Void.self) { g in
            // Readers: a polling reader and a subscriber, both must see 1, 2, 3, … with nothing skipped.
            g.addTask {
                var last: Int64 = 0
                while !done.withLock({ $0 }) {
                    let page = try await observer.read(after: last, limit: 37)
                    for e in page {
                        if e.position != last + 1 { readerViolations.withLock { $0.append("reader: \(last) → \(e.position)") } }
                        last = e.position
                    }
                    if page.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
                }
            }
            g.addTask {
                var last: Int64 = 0
                for try await e in observer.subscribe(after: 0) {
                    if e.position != last + 1 { readerViolations.withLock { $0.append("subscriber: \(last) → \(e.position)") } }
                    last = e.position
                    if done.withLock({ $0 }), last >= (try await observer.head()) { break }
                }
            }
            // Deliberate rollbacks: a transaction that takes the head, writes events, and rolls back — as a node
            // that dies mid-commit would. With a sequence, these positions would be burnt.
            g.addTask {
                for i in 0..<25 {
                    try await conn.query("BEGIN", logger: logger)
                    try await conn.query(PostgresQuery(unsafeSQL: """
                        WITH h AS (UPDATE \(url.schema).lotse_head SET position = position + 3 WHERE id = 1 RETURNING position)
                        INSERT INTO \(url.schema).lotse_events (position, stream_id, stream_version, type, schema_version, payload, metadata, hash)
                        SELECT h.position - 2 + k, 'rolled-back-\(i)', 1 + k, 'Doomed', 1, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea FROM h, generate_series(0, 2) k
                        """), logger: logger)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...4)))
                    try await conn.query("ROLLBACK", logger: logger)
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { w in
                for (n, node) in nodes.enumerated() {
                    for k in 0..<writersPerNode {
                        w.addTask {
                            let stream = StreamID("node\(n)-w\(k)")
                            for i in 0..<appendsEach {
                                // Every 7th append is one the server cannot store (a NUL in text): its batch is rolled
                                // back and retried append by append; only that one fails.
                                let poisoned = i % 7 == 3
                                let events = poisoned ? [event(i, type: "Bad\u{0}Type")] : (i % 3 == 0 ? [event(i), event(i)] : [event(i)])
                                do {
                                    let r = try await node.append(events, to: stream, expectedVersion: .any, idempotencyKey: "n\(n)-w\(k)-\(i)")
                                    #expect(!poisoned)
                                    acknowledged.withLock { $0.append(r) }
                                } catch EventStoreError.storage {
                                    #expect(poisoned)
                                }
                                // A wrong expected version is refused without burning a position.
                                if i % 11 == 5 {
                                    await #expect(throws: EventStoreError.self) {
                                        try await node.append([event(-1)], to: stream, expectedVersion: .noStream, idempotencyKey: nil)
                                    }
                                }
                            }
                        }
                    }
                }
                try await w.waitForAll()
            }
            done.withLock { $0 = true }
            _ = try await observer.append([event(0)], to: StreamID("final"), expectedVersion: .any, idempotencyKey: nil)
            try await g.waitForAll()
        }

        let all = try await observer.read(after: 0, limit: 100_000)
        #expect(all.map(\.position) == (1...Int64(all.count)).map { $0 })
        #expect(!all.contains { $0.type == "Doomed" })
        #expect(readerViolations.withLock { $0 }.isEmpty, "\(readerViolations.withLock { $0 })")
        // Every acknowledged append is in the log where its result says.
        let byPosition = Dictionary(uniqueKeysWithValues: all.map { ($0.position, $0) })
        for r in acknowledged.withLock({ $0 }) {
            for p in r.firstPosition...r.lastPosition { #expect(byPosition[p] != nil) }
        }
        let expectedEvents = acknowledged.withLock { $0.reduce(0) { $0 + Int($1.lastPosition - $1.firstPosition + 1) } } + 1
        #expect(all.count == expectedEvents)
        // Stream versions 1, 2, 3, … per stream.
        for (_, events) in Dictionary(grouping: all, by: \.stream) {
            #expect(events.map(\.streamVersion) == (1...Int64(events.count)).map { $0 })
        }
        // Three nodes wrote, each chaining on the hash it last knew or read under the head's lock: one unbroken chain.
        #expect(try await EventChainTests.walk(observer).0 == nil)
    }

    @Test func aNodeReadsItsOwnWritesFromMemoryExactlyAsTheServerHasThem() async throws {
        let url = try PostgresTestServer.freshURL()
        let a = try await PostgresEventStore.open(url), b = try await PostgresEventStore.open(url)
        let fresh = try await PostgresEventStore.open(url)
        defer { a.close(); b.close(); fresh.close() }
        for i in 1...30 {
            // B writes now and then: A's run of own positions breaks and restarts.
            let node = i % 7 == 0 ? b : a
            _ = try await node.append([event(i), event(i + 100)], to: StreamID("s\(i % 3)"), expectedVersion: .any, idempotencyKey: "k\(i)")
        }
        let server = try await fresh.read(after: 0, limit: 1000)
        #expect(server.count == 60)
        for after in stride(from: Int64(0), through: 60, by: 1) {
            for limit in [1, 5, 100] {
                let mine = try await a.read(after: after, limit: limit)
                #expect(mine == Array(server.filter { $0.position > after }.prefix(limit)), "after \(after), limit \(limit)")
            }
        }
    }

    @Test func theDatabaseRefusesChangesToTheLog() async throws {
        let url = try PostgresTestServer.freshURL()
        let store = try await PostgresEventStore.open(url)
        defer { store.close() }
        _ = try await store.append([event(1), event(2)], to: StreamID("a"), expectedVersion: .noStream, idempotencyKey: "k")
        let conn = try await raw()
        defer { conn.close().whenComplete { _ in withExtendedLifetime(conn) {} } }
        for sql in [
            "UPDATE \(url.schema).lotse_events SET payload = '\\x00'::bytea WHERE position = 1",
            "DELETE FROM \(url.schema).lotse_events",
            "TRUNCATE \(url.schema).lotse_events",
            "UPDATE \(url.schema).lotse_idempotency SET last_position = 9",
            "DELETE FROM \(url.schema).lotse_idempotency",
            "UPDATE \(url.schema).lotse_head SET position = 1",
        ] {
            await #expect(throws: PSQLError.self, "\(sql)") { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        }
        #expect(try await store.read(after: 0, limit: 10).map(\.payload) == [event(1).payload, event(2).payload])
        #expect(try await store.head() == 2)
    }

    @Test func aSubscriberOnAnotherNodeIsWokenByNotificationNotByPolling() async throws {
        let url = try PostgresTestServer.freshURL()
        let writer = try await PostgresEventStore.open(url)
        // Polling every minute: only a notification can deliver within the test's time.
        let reader = try await PostgresEventStore.open(url, pollInterval: .seconds(60))
        defer { writer.close(); reader.close() }
        for _ in 0..<100 where !reader.status.notified { try await Task.sleep(for: .milliseconds(20)) }
        #expect(reader.status.notified)
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        var iterator = reader.subscribe(after: 0).makeAsyncIterator()
        for i in 1...20 {
            let start = clock.now
            _ = try await writer.append([event(i)], to: StreamID("a"), expectedVersion: .any, idempotencyKey: nil)
            let e = try await iterator.next()
            latencies.append(clock.now - start)
            #expect(e?.position == Int64(i))
        }
        #expect(latencies.max()! < .seconds(5))
    }

    @Test func leasesHaveOneHolderAndPassOnWhenExpiredOrReleased() async throws {
        let url = try PostgresTestServer.freshURL()
        let a = try await PostgresEventStore.open(url), b = try await PostgresEventStore.open(url)
        defer { a.close(); b.close() }
        // Long enough that a loaded machine cannot let it lapse between two statements (CI saw 300 ms lapse once).
        #expect(try await a.acquire("timers", holder: "node-a", ttl: .seconds(10)))
        #expect(try await !b.acquire("timers", holder: "node-b", ttl: .seconds(10)))
        #expect(try await a.acquire("timers", holder: "node-a", ttl: .milliseconds(200)))  // renewal, now short
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await b.acquire("timers", holder: "node-b", ttl: .seconds(30)))
        #expect(try await !a.acquire("timers", holder: "node-a", ttl: .seconds(30)))
        try await b.release("timers", holder: "node-b")
        #expect(try await a.acquire("timers", holder: "node-a", ttl: .seconds(30)))
    }

    @Test func anOlderSnapshotNeverReplacesANewerOne() async throws {
        let url = try PostgresTestServer.freshURL()
        let s = try await PostgresEventStore.open(url)
        defer { s.close() }
        try await s.save(Snapshot(name: "x", position: 9, data: Data("new".utf8)))
        try await s.save(Snapshot(name: "x", position: 5, data: Data("old".utf8)))
        #expect(try await s.load(name: "x")?.data == Data("new".utf8))
    }

    @Test func aDatabaseThatIsNotLotsesOrNewerIsRefusedAndNothingWritten() async throws {
        let conn = try await raw()
        defer { conn.close().whenComplete { _ in withExtendedLifetime(conn) {} } }
        let foreign = "f_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(foreign)"), logger: logger)
        try await conn.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(foreign).patients (id int)"), logger: logger)
        await #expect(throws: PostgresStoreError.self) { try await PostgresEventStore.open(try PostgresTestServer.freshURL(schema: foreign)) }
        let tables = try await conn.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM information_schema.tables WHERE table_schema = '\(foreign)'"), logger: logger)
            .collectCount()
        #expect(tables == 1)

        let newer = try PostgresTestServer.freshURL()
        try await PostgresEventStore.open(newer).close()
        try await conn.query(PostgresQuery(unsafeSQL: "UPDATE \(newer.schema).lotse_meta SET value = '99' WHERE key = 'schema_version'"), logger: logger)
        do {
            _ = try await PostgresEventStore.open(newer)
            Issue.record("a newer schema was opened")
        } catch {
            #expect(error.description.contains("Version 99"))
        }
    }

    @Test func aWrongPasswordAndAnUnreachableServerAreOneClearLine() async throws {
        let u = try PostgresTestServer.freshURL()
        let h = u.hosts[0]
        do {
            _ = try await PostgresEventStore.open(try PostgresStoreURL("postgres://\(u.user):falsch@\(h.name):\(h.port)/\(u.database)"))
            Issue.record("wrong password accepted")
        } catch {
            guard case .authentication = error else { Issue.record("\(error)"); return }
            #expect(!error.description.contains("\n"))
        }
        do {
            _ = try await PostgresEventStore.open(try PostgresStoreURL("postgres://lotse:lotse@127.0.0.1:1/lotse"))
            Issue.record("unreachable server opened")
        } catch {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("127.0.0.1:1"))
        }
    }
}

extension PostgresRowSequence {
    func collectCount() async throws -> Int64 {
        var n: Int64 = 0
        for try await v in self.decode(Int64.self) { n = v }
        return n
    }
}

/// A value shared between the tasks of a test.
final class Locked<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ v: Value) { value = Mutex(v) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
