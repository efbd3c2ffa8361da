import CSQLite
import Foundation
import Logging
import LotseEventStore
import LotsePostgres
import LotseSQLite
import PostgresNIO
import Testing

/// The hash chain: every adapter chains what it appends; the walk names the first position that does not fit; a log
/// written before the chain is anchored once and then covered entirely.
@Suite struct EventChainTests {
    /// Walks the whole log; the first problem, or nil.
    static func walk(_ store: any ChainedEventStore) async throws -> (ChainProblem?, ChainCheck) {
        var check = ChainCheck(anchor: try await store.chainAnchor())
        var after: Int64 = 0
        while true {
            let page = try await store.readChained(after: after, limit: 7)
            guard let last = page.last else { return (check.finish(), check) }
            for e in page { if let p = check.check(e) { return (p, check) } }
            after = last.event.position
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyAdapterChainsWhatItAppendsAcrossBatchesRefusalsAndReopening(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let a = StreamID("a"), b = StreamID("b")
        _ = try await f.current.append([event(1), event(2)], to: a, expectedVersion: .noStream, idempotencyKey: "k1")
        await #expect(throws: EventStoreError.self) { try await f.current.append([event(3)], to: a, expectedVersion: .noStream, idempotencyKey: nil) }
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask {
                    for i in 0..<10 { _ = try await f.current.append([event(100 * w + i)], to: StreamID("w\(w)"), expectedVersion: .any, idempotencyKey: nil) }
                }
            }
            try await g.waitForAll()
        }
        _ = try await f.current.append([event(1), event(2)], to: a, expectedVersion: .exact(2), idempotencyKey: "k1")  // replayed, nothing written
        _ = try await f.current.append([event(4)], to: b, expectedVersion: .noStream, idempotencyKey: nil)
        let store = try #require(f.current as? any ChainedEventStore)
        let (problem, check) = try await Self.walk(store)
        #expect(problem == nil)
        #expect(check.head == 83)
        // The stored hashes are the fold of EventChain.link over the events as read.
        let all = try await store.readChained(after: 0, limit: 1000)
        var h = EventChain.genesis
        for e in all {
            h = EventChain.link(h, e.event)
            #expect(e.hash == h)
        }
        if f.persists {
            let reopened = try #require(try await f.reopen() as? any ChainedEventStore)
            _ = try await reopened.append([event(5)], to: b, expectedVersion: .exact(1), idempotencyKey: nil)
            let (again, after) = try await Self.walk(reopened)
            #expect(again == nil)
            #expect(after.head == 84)
        }
    }

    /// Events as a memory store chains them, to alter in the walk.
    func chained(_ n: Int) async throws -> [ChainedEvent] {
        let s = InMemoryEventStore()
        for i in 1...n { _ = try await s.append([event(i)], to: StreamID("s\(i % 3)"), expectedVersion: .any, idempotencyKey: nil) }
        return try await s.readChained(after: 0, limit: 100)
    }

    func firstProblem(_ events: [ChainedEvent], anchor: ChainAnchor = .fromGenesis) -> ChainProblem? {
        var c = ChainCheck(anchor: anchor)
        for e in events { if let p = c.check(e) { return p } }
        return c.finish()
    }

    @Test func theWalkNamesTheFirstAlteredMissingOrUnhashedPosition() async throws {
        let good = try await chained(12)
        #expect(firstProblem(good) == nil)

        var altered = good
        let e = good[6].event
        var payload = e.payload
        payload[payload.startIndex + 2] ^= 0x01  // one byte
        altered[6] = ChainedEvent(
            event: RecordedEvent(position: e.position, stream: e.stream, streamVersion: e.streamVersion, type: e.type, schemaVersion: e.schemaVersion,
                                 payload: payload, metadata: e.metadata),
            hash: good[6].hash)
        #expect(firstProblem(altered)?.position == 7)

        var rehashed = good  // the hash recomputed for the altered event: the next one no longer fits
        rehashed[6] = ChainedEvent(event: altered[6].event, hash: EventChain.link(good[5].hash!, altered[6].event))
        #expect(firstProblem(rehashed)?.position == 8)

        var gap = good
        gap.remove(at: 4)
        #expect(firstProblem(gap)?.position == 5)

        var unhashed = good
        unhashed[9] = ChainedEvent(event: good[9].event, hash: nil)
        #expect(firstProblem(unhashed)?.position == 10)

        // An anchor of a log chained from position 6: the first five are covered by the anchor's hash.
        let anchor = ChainAnchor(start: 6, hash: good[4].hash!)
        let migrated = good.enumerated().map { ChainedEvent(event: $1.event, hash: $0 < 5 ? nil : $1.hash) }
        #expect(firstProblem(migrated, anchor: anchor) == nil)
        var early = migrated
        early[1] = ChainedEvent(event: altered[6].event.withPosition(2, from: good[1].event), hash: nil)
        #expect(firstProblem(early, anchor: anchor)?.position == 5)
        #expect(firstProblem(Array(migrated.prefix(3)), anchor: anchor)?.position == 4)
    }

    func exec(_ path: String, _ sql: String) throws {
        let (rc, message) = sqliteExec(path, sql)
        guard rc == SQLITE_OK else { throw EventStoreError.storage(message) }
    }

    @Test func anSQLiteLogWrittenBeforeTheChainIsAnchoredOnceAndThenCoveredEntirely() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        // The schema as it was before the chain (no hash column, no lotse_meta), with 20 events.
        try exec(path, """
            CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL, type TEXT NOT NULL,
                schema_version INTEGER NOT NULL, payload BLOB NOT NULL, metadata BLOB NOT NULL, UNIQUE (stream_id, stream_version));
            CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            """)
        var expected = EventChain.genesis
        for i in 1...20 {
            let e = RecordedEvent(position: Int64(i), stream: StreamID("old"), streamVersion: Int64(i), type: "TestEvent", schemaVersion: 1,
                                  payload: event(i).payload, metadata: event(i).metadata)
            expected = EventChain.link(expected, e)
            try exec(path, "INSERT INTO events VALUES (\(i), 'old', \(i), 'TestEvent', 1, x'\(e.payload.hex)', x'\(e.metadata.hex)')")
        }
        let store = try SQLiteEventStore(path: path)
        #expect(store.anchor == ChainAnchor(start: 21, hash: expected))
        _ = try await store.append([event(21), event(22)], to: StreamID("old"), expectedVersion: .exact(20), idempotencyKey: nil)
        let (problem, check) = try await Self.walk(store)
        #expect(problem == nil)
        #expect(check.head == 22)
        store.close()
        // Opened again: the same anchor (recorded once, not recomputed).
        let again = try SQLiteEventStore(path: path)
        #expect(again.anchor == ChainAnchor(start: 21, hash: expected))
        again.close()
        // From the chain's start on, the database itself refuses an event without its hash (an older Lotse writing).
        // (With its stream predecessor, position 22, so only the missing hash is wrong.)
        #expect(sqliteExec(path, "INSERT INTO events (position, stream_id, stream_version, prev_position, type, schema_version, payload, metadata) VALUES (23, 'old', 23, 22, 'TestEvent', 1, x'00', x'00')").1
            .contains("chain hash"))
        // An old event altered afterwards is found: the anchor no longer fits.
        try exec(path, "DROP TRIGGER events_no_update; UPDATE events SET payload = x'\(event(99).payload.hex)' WHERE position = 3")
        let third = try SQLiteEventStore(path: path)
        #expect(try await Self.walk(third).0?.position == 20)
        third.close()
        // An anchor removed from a chained log is not quietly made anew: the log no longer opens.
        try exec(path, "DROP TRIGGER lotse_meta_no_delete; DELETE FROM lotse_meta WHERE key LIKE 'chain_%'")
        #expect(throws: EventStoreError.self) { try SQLiteEventStore(path: path) }
    }

    @Test(.enabled(if: PostgresTestServer.url != nil, "LOTSE_TEST_POSTGRES not set"))
    func aPostgresLogOfSchemaVersion1IsAnchoredOnStart() async throws {
        let url = try PostgresTestServer.freshURL()
        let first = try await PostgresEventStore.open(url)
        for i in 1...5 { _ = try await first.append([event(i)], to: StreamID("p"), expectedVersion: .any, idempotencyKey: nil) }
        first.close()
        // Back to version 1: no hash columns, no anchor.
        let logger = Logger(label: "test")
        let h = url.hosts[0]
        let conn = try await PostgresConnection.connect(
            configuration: .init(host: h.name, port: h.port, username: url.user, password: url.password, database: url.database, tls: .disable),
            id: 1, logger: logger)
        defer { conn.close().whenComplete { _ in withExtendedLifetime(conn) {} } }
        for sql in [
            "ALTER TABLE \(url.schema).lotse_events DROP COLUMN hash", "ALTER TABLE \(url.schema).lotse_head DROP COLUMN hash",
            "DELETE FROM \(url.schema).lotse_meta WHERE key LIKE 'chain_%'",
            "UPDATE \(url.schema).lotse_meta SET value = '1' WHERE key = 'schema_version'",
        ] { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        let store = try await PostgresEventStore.open(url)
        defer { store.close() }
        let anchor = try await store.chainAnchor()
        #expect(anchor.start == 6)
        // The database refuses a new event without its hash (an older Lotse still running during the upgrade).
        await #expect(throws: (any Error).self) {
            try await conn.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(url.schema).lotse_events (position, stream_id, stream_version, type, schema_version, payload, metadata)
                VALUES (99, 'p', 99, 'TestEvent', 1, '\\x00', '\\x00')
                """), logger: logger)
        }
        _ = try await store.append([event(6)], to: StreamID("p"), expectedVersion: .exact(5), idempotencyKey: nil)
        let (problem, check) = try await Self.walk(store)
        #expect(problem == nil)
        #expect(check.head == 6)
        var version: String?
        for try await v in try await conn.query(
            PostgresQuery(unsafeSQL: "SELECT value FROM \(url.schema).lotse_meta WHERE key = 'schema_version'"), logger: logger
        ).decode(String.self) { version = v }
        #expect(version == "2")
    }
}

extension Data {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension RecordedEvent {
    /// This event's content at another event's place (position, stream, version).
    fileprivate func withPosition(_ p: Int64, from other: RecordedEvent) -> RecordedEvent {
        RecordedEvent(position: p, stream: other.stream, streamVersion: other.streamVersion, type: type, schemaVersion: schemaVersion,
                      payload: payload, metadata: other.metadata)
    }
}
