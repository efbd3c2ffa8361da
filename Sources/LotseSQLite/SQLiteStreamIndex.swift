import Foundation
import LotseEventStore

/// How a stream's events are found in an SQLite log (`SQLiteSchema`): the migration of a log written with the
/// earlier index on `(stream_id, stream_version)`, and the read of a stream walking back along `prev_position`.
enum SQLiteStreamIndex {
    /// Rebuilds a log of the earlier schema (no `prev_position`) into the current one, once, inside
    /// `BEGIN IMMEDIATE` (two processes opening it at once migrate it once). Every event is copied unchanged — same
    /// position, stream, version, payload, metadata and chain hash — with the position of its stream's event before it;
    /// `streams` and `stream_marks` are filled from the copy. A log whose stream versions are not 1, 2, 3 … is refused
    /// rather than indexed wrongly. `progress` is told before the copy starts (events to copy) — a year of MV takes
    /// seconds.
    static func migrate(_ c: SQLiteConnection, progress: ((Int64) -> Void)? = nil) throws {
        guard try !hasPrevPosition(c) else { return }
        try c.exec("BEGIN IMMEDIATE")
        do {
            guard try !hasPrevPosition(c) else {
                try c.exec("COMMIT")
                return
            }
            let hash = try columns(c).contains("hash") ? "hash" : "NULL"
            let gaps = try c.scalarInt("""
                SELECT count(*) FROM (SELECT stream_version, row_number() OVER (PARTITION BY stream_id ORDER BY stream_version) AS n
                FROM events) WHERE stream_version != n
                """) ?? 0
            guard gaps == 0 else {
                throw EventStoreError.storage(
                    "Protokoll: \(gaps) Ereignisse mit Lücken in der Stream-Version – nicht migriert / stream versions with gaps")
            }
            progress?(try c.scalarInt("SELECT count(*) FROM events") ?? 0)
            try c.exec(SQLiteSchema.eventsTable("events_migrated"))
            try c.exec("""
                INSERT INTO events_migrated(position, stream_id, stream_version, prev_position, type, schema_version, payload, metadata, hash)
                SELECT position, stream_id, stream_version,
                       coalesce(lag(position) OVER (PARTITION BY stream_id ORDER BY stream_version), 0),
                       type, schema_version, payload, metadata, \(hash)
                FROM events ORDER BY position
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
            try c.exec("COMMIT")
        } catch {
            try? c.exec("ROLLBACK")
            throw error
        }
    }

    private static func hasPrevPosition(_ c: SQLiteConnection) throws -> Bool { try columns(c).contains("prev_position") }

    private static func columns(_ c: SQLiteConnection) throws -> Set<String> {
        let s = try c.prepare("PRAGMA table_info(events)")
        var names: Set<String> = []
        while try s.step() { names.insert(s.text(1)) }
        return names
    }

    /// At most `limit` events of `stream` after `version`, in version order, read in one snapshot of the file:
    /// from the nearest mark at or above the last version wanted (or the stream's last event), back along
    /// `prev_position` — `limit + markInterval - 1` rows at most, whatever the stream's length.
    static func read(_ stream: StreamID, after version: Int64, limit: Int, on c: SQLiteConnection) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        try c.exec("BEGIN")
        defer { try? c.exec("COMMIT") }
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
