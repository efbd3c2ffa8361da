import CSQLite
import Foundation
import LotseEventStore
import Testing

/// Append-only is enforced by the database itself (triggers), not only by the adapter's code.
@Suite struct AppendOnlyTests {
    func exec(_ path: String, _ sql: String) -> (Int32, String) { sqliteExec(path, sql) }

    @Test func updatesAndDeletesAreRejectedByTheDatabase() async throws {
        let f = try await StoreFixture(.sqlite)
        _ = try await f.current.append([event(1)], to: StreamID("a"), expectedVersion: .any, idempotencyKey: "k")
        let update = exec(f.path, "UPDATE events SET payload = x'00' WHERE position = 1")
        #expect(update.0 != SQLITE_OK && update.1.contains("append-only"))
        let delete = exec(f.path, "DELETE FROM events")
        #expect(delete.0 != SQLITE_OK && delete.1.contains("append-only"))
        let idem = exec(f.path, "UPDATE idempotency SET last_position = 9")
        #expect(idem.0 != SQLITE_OK)
        #expect(try await f.current.read(after: 0, limit: 10).first?.payload == event(1).payload)
    }

    @Test func theWriterRunsWithFullSynchronousAndWAL() async throws {
        let f = try await StoreFixture(.sqlite)
        _ = try await f.current.append([event(1)], to: StreamID("a"), expectedVersion: .any, idempotencyKey: nil)
        var db: OpaquePointer?
        sqlite3_open(f.path, &db)
        defer { sqlite3_close(db) }
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nil)
        sqlite3_step(stmt)
        #expect(String(cString: sqlite3_column_text(stmt, 0)) == "wal")
        sqlite3_finalize(stmt)
    }
}
