import Foundation
import LotseEventStore

/// How a stream's events are found in an SQLite log (`SQLiteSchema`): the migration of a log written with the
/// earlier index on `(stream_id, stream_version)`, and the read of a stream walking back along `prev_position`.
enum SQLiteStreamIndex {
    /// Rebuilds a log of the earlier schema (no `prev_position`) into the current one, once, inside
    /// `BEGIN IMMEDIATE` (two processes opening it at once migrate it once). Every event is copied unchanged — same
    /// position, stream, version, payload, metadata and chain hash — with the position of its stream's event before it;
    /// `streams` and `stream_marks` are filled from the copy, the table's triggers made before the commit. A log whose
    /// stream versions are not 1, 2, 3 … in position order is refused rather than indexed wrongly (its events table
    /// left as it was). `progress` is told before the copy starts (events to copy) — a year of MV takes seconds; the
    /// copy needs free disk space of about the log's size, and a second process opening the log meanwhile waits up to
    /// the connection's busy timeout (10 s).
    static func migrate(_ c: SQLiteConnection, progress: ((Int64) -> Void)? = nil) throws {
        guard try !hasPrevPosition(c) else { return }
        try c.exec("BEGIN IMMEDIATE")
        do {
            guard try !hasPrevPosition(c) else {
                try c.exec("COMMIT")
                return
            }
            let hash = try c.columns(of: "events").contains("hash") ? "hash" : "NULL"
            // Each event's predecessor in its stream (version − 1), found through the earlier schema's unique index
            // while the table is read in position order — no sort of the whole log.
            let previous = "(SELECT p.position FROM events p WHERE p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1)"
            let broken = try c.scalarInt("""
                SELECT count(*) FROM events e WHERE e.stream_version < 1
                   OR (e.stream_version > 1 AND coalesce(\(previous), e.position) >= e.position)
                """) ?? 0
            guard broken == 0 else {
                throw EventStoreError.storage(
                    "Protokoll: \(broken) Ereignisse ohne Vorgänger in ihrem Stream (Lücken in der Stream-Version) – nicht migriert / stream versions with gaps")
            }
            progress?(try c.scalarInt("SELECT count(*) FROM events") ?? 0)
            try c.exec(SQLiteSchema.eventsTable("events_migrated"))
            try c.exec("""
                INSERT INTO events_migrated(position, stream_id, stream_version, prev_position, type, schema_version, payload, metadata, hash)
                SELECT position, stream_id, stream_version, coalesce(\(previous), 0), type, schema_version, payload, metadata, \(hash)
                FROM events e ORDER BY position
                """)
            try c.exec("DROP TABLE events")
            try c.exec("ALTER TABLE events_migrated RENAME TO events")
            try c.exec("""
                INSERT INTO streams(stream_id, version, head_position)
                SELECT stream_id, max(stream_version), max(position) FROM events GROUP BY stream_id
                """)
            try c.exec("""
                INSERT INTO stream_marks(stream_id, stream_version, position)
                SELECT stream_id, stream_version, position FROM events WHERE stream_version % \(SQLiteSchema.markInterval) = 0
                """)
            // The rebuilt table is never without its rules, not even between this commit and the caller's next step.
            for sql in SQLiteSchema.triggers { try c.exec(sql) }
            if try c.scalarInt("SELECT count(*) FROM lotse_meta WHERE key = '\(SQLiteChain.startKey)'") ?? 0 > 0 {
                try c.exec(SQLiteChain.requireHash)
            }
            try c.exec("COMMIT")
            // The copy went through the WAL (as large as the log): written back now, the WAL file truncated. Best
            // effort — another process reading at this moment keeps it until the next checkpoint.
            try? c.exec("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            try? c.exec("ROLLBACK")
            throw error
        }
    }

    private static func hasPrevPosition(_ c: SQLiteConnection) throws -> Bool { try c.columns(of: "events").contains("prev_position") }

    /// At most `limit` events of `stream` after `version`, in version order: from the nearest mark at or above the last
    /// version wanted (or the stream's last event), back along `prev_position` — `limit + markInterval - 1` rows at
    /// most, whatever the stream's length.
    ///
    /// No read transaction is needed: events never change, so the rows reached from a head or a mark are what they
    /// were when it was read (an append after that only adds later versions).
    static func read(_ stream: StreamID, after version: Int64, limit: Int, on c: SQLiteConnection) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let version = max(0, version)
        let head = try c.cached("SELECT version, head_position FROM streams WHERE stream_id = ?")
        head.bind(1, stream.rawValue)
        guard try head.step() else {
            head.reset()
            return []
        }
        let (streamVersion, headPosition) = (head.int(0), head.int(1))
        head.reset()
        guard streamVersion > version else { return [] }
        let last = limit >= streamVersion - version ? streamVersion : version + Int64(limit)
        var at = (version: streamVersion, position: headPosition)
        if last < streamVersion {
            let mark = try c.cached(
                "SELECT stream_version, position FROM stream_marks WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT 1")
            mark.bind(1, stream.rawValue)
            mark.bind(2, last)
            if try mark.step() { at = (mark.int(0), mark.int(1)) }
            mark.reset()
        }
        let row = try c.cached("SELECT \(SQLiteEventStore.eventColumns), prev_position FROM events WHERE position = ?")
        defer { row.reset() }
        var out: [RecordedEvent] = []
        out.reserveCapacity(Int(last - version))
        var position = at.position
        var expected = at.version
        while expected > version {
            row.reset()
            row.bind(1, position)
            guard try row.step() else {
                throw EventStoreError.storage("Protokoll: \(stream.rawValue) Version \(expected) fehlt an Position \(position) / stream chain broken")
            }
            let e = SQLiteEventStore.event(row)
            guard e.stream == stream, e.streamVersion == expected else {
                throw EventStoreError.storage("Protokoll: Position \(position) ist nicht \(stream.rawValue) Version \(expected) / stream chain broken")
            }
            if expected <= last { out.append(e) }
            position = row.int(7)
            expected -= 1
        }
        out.reverse()
        return out
    }
}
