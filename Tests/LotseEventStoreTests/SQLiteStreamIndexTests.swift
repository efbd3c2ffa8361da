import CSQLite
import Foundation
import LotseEventStore
import LotseSQLite
import Synchronization
import Testing

/// The SQLite log finds a stream's events through `streams`, `prev_position` and `stream_marks` (no index on
/// `(stream_id, stream_version)`): a log of the earlier schema is migrated once, whole and unchanged, and the database
/// keeps every stream's versions in order whoever writes.
@Suite struct SQLiteStreamIndexTests {
    /// The events table as Lotse wrote it until December 2026: the unique index on `(stream_id, stream_version)`, no
    /// `prev_position`.
    static let earlierSchema = """
        CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
            type TEXT NOT NULL, schema_version INTEGER NOT NULL, payload BLOB NOT NULL, metadata BLOB NOT NULL, hash BLOB,
            UNIQUE (stream_id, stream_version));
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TABLE lotse_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO lotse_meta VALUES ('chain_start', '1'), ('chain_anchor', '\(EventChain.genesis.hex)');
        """

    /// Writes `events` into a new file of the earlier schema, chained as Lotse chained them.
    static func earlierLog(_ path: String, _ events: [RecordedEvent]) throws {
        var hash = EventChain.genesis
        var sql = earlierSchema + "BEGIN;"
        for e in events {
            hash = EventChain.link(hash, e)
            sql += "INSERT INTO events VALUES (\(e.position), '\(e.stream.rawValue)', \(e.streamVersion), '\(e.type)', 1, "
                + "x'\(e.payload.hex)', x'\(e.metadata.hex)', x'\(hash.hex)');"
        }
        let (rc, message) = sqliteExec(path, sql + "COMMIT;")
        guard rc == SQLITE_OK else { throw EventStoreError.storage(message) }
    }

    static func temporaryFile() throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-streamindex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("events.sqlite").path)
    }

    @Test func aLogOfTheEarlierSchemaIsMigratedOnceWholeAndUnchanged() async throws {
        // 300 events over 7 streams (one long), as an in-memory log first: what the migrated file must read back.
        let original = InMemoryEventStore()
        for i in 1...300 {
            let stream = StreamID(i % 3 == 0 ? "hospital-\(i % 7)" : "tna-dispatch")
            _ = try await original.append([event(i)], to: stream, expectedVersion: .any, idempotencyKey: nil)
        }
        let log = try await original.read(after: 0, limit: 1_000)
        let (dir, path) = try Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.earlierLog(path, log)

        let migrated = Mutex<[Int64]>([])
        let store = try SQLiteEventStore(path: path, migrating: { n in migrated.withLock { $0.append(n) } })
        #expect(migrated.withLock { $0 } == [300])
        #expect(try await store.read(after: 0, limit: 1_000) == log)
        #expect(try await EventChainTests.walk(store).0 == nil)
        for stream in Set(log.map(\.stream)) {
            let mine = log.filter { $0.stream == stream }
            #expect(try await store.readStream(stream) == mine)
            #expect(try await store.readStream(stream, after: 5, limit: 40) == Array(mine.dropFirst(5).prefix(40)))
        }
        // Appends go on where the streams stood; an append on a stale version is still a conflict.
        let tna = StreamID("tna-dispatch"), tnaVersion = Int64(log.filter { $0.stream == tna }.count)
        let r = try await store.append([event(301)], to: tna, expectedVersion: .exact(tnaVersion), idempotencyKey: nil)
        #expect(r.firstPosition == 301 && r.streamVersion == tnaVersion + 1)
        await #expect(throws: EventStoreError.self) {
            try await store.append([event(302)], to: tna, expectedVersion: .exact(tnaVersion), idempotencyKey: nil)
        }
        store.close()
        // Opened again: nothing to migrate, the appended event in its stream, the chain whole.
        let again = try SQLiteEventStore(path: path, migrating: { n in migrated.withLock { $0.append(n) } })
        #expect(migrated.withLock { $0 } == [300])
        #expect(try await again.readStream(tna, after: tnaVersion).map(\.position) == [301])
        #expect(try await EventChainTests.walk(again).0 == nil)
        again.close()
        // The database still refuses to change an event after the migration rebuilt the table.
        #expect(sqliteExec(path, "UPDATE events SET payload = x'00' WHERE position = 1").1.contains("append-only"))
    }

    @Test func aLogWhoseStreamVersionsHaveGapsIsRefusedAndLeftAsItWas() async throws {
        let (dir, path) = try Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = [(1, 1), (2, 2), (3, 4)].map { p, v in
            RecordedEvent(position: Int64(p), stream: StreamID("a"), streamVersion: Int64(v), type: "TestEvent", schemaVersion: 1,
                          payload: event(p).payload, metadata: event(p).metadata)
        }
        try Self.earlierLog(path, events)
        #expect { try SQLiteEventStore(path: path, migrating: { _ in }) } throws: { "\($0)".contains("Lücken") }
        // Not half migrated: the earlier table with its three events.
        #expect(sqliteExec(path, "INSERT INTO events VALUES (4, 'a', 5, 'TestEvent', 1, x'00', x'00', NULL)").0 == SQLITE_OK)

        // Versions 1, 2 but the second before the first in the log: refused as well (a stream is read back by position).
        let (dir2, path2) = try Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: dir2) }
        try Self.earlierLog(path2, [(1, 2), (2, 1)].map { p, v in
            RecordedEvent(position: Int64(p), stream: StreamID("b"), streamVersion: Int64(v), type: "TestEvent", schemaVersion: 1,
                          payload: event(p).payload, metadata: event(p).metadata)
        })
        #expect { try SQLiteEventStore(path: path2, migrating: { _ in }) } throws: { "\($0)".contains("Vorgänger") }
    }

    @Test func theDatabaseKeepsEveryStreamsVersionsInOrderWhoeverWrites() async throws {
        let f = try await StoreFixture(.sqlite)
        _ = try await f.current.append([event(1), event(2)], to: StreamID("a"), expectedVersion: .noStream, idempotencyKey: nil)
        _ = try await f.current.append([event(3)], to: StreamID("b"), expectedVersion: .noStream, idempotencyKey: nil)
        let columns = "position, stream_id, stream_version, prev_position, type, schema_version, payload, metadata, hash"
        func insert(_ values: String) -> (Int32, String) { sqliteExec(f.path, "INSERT INTO events(\(columns)) VALUES (\(values))") }
        // A version taken, a version skipped, the wrong event before: refused by the database itself.
        for bad in ["4, 'a', 2, 1, 'TestEvent', 1, x'00', x'00', x'00'", "4, 'a', 4, 2, 'TestEvent', 1, x'00', x'00', x'00'",
                    "4, 'a', 3, 1, 'TestEvent', 1, x'00', x'00', x'00'", "4, 'c', 1, 3, 'TestEvent', 1, x'00', x'00', x'00'"] {
            let (rc, message) = insert(bad)
            #expect(rc != SQLITE_OK && message.contains("out of order"), "\(bad)")
        }
        #expect(sqliteExec(f.path, "DELETE FROM streams").1.contains("append-only"))
        // A Lotse from before `prev_position` (it writes the hash, not the predecessor) is told to update.
        let old = sqliteExec(f.path, "INSERT INTO events(position, stream_id, stream_version, type, schema_version, payload, metadata, hash) "
                                   + "VALUES (4, 'a', 3, 'TestEvent', 1, x'00', x'00', x'00')")
        #expect(old.0 != SQLITE_OK && old.1.contains("update Lotse"))
        #expect(try await f.current.head() == 3)
        #expect(try await f.current.append([event(4)], to: StreamID("a"), expectedVersion: .exact(2), idempotencyKey: nil).streamVersion == 3)
    }
}
