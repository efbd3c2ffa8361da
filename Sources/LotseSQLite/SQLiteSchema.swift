/// The schema of the SQLite event store. Append-only is enforced by triggers, not by convention.
///
/// A stream's events are found through `streams` (each stream's version and the position of its last event), each
/// event's `prev_position` (the position of its stream's event before it, 0 for the first) and `stream_marks` (the
/// position of every `markInterval`-th version): a read walks back from the nearest mark at or above what it needs.
/// An index on `(stream_id, stream_version)` did the same, but put a page per stream into every commit — a group
/// commit of 32 appends to 32 streams wrote ≈ 39 pages, with `streams` ≈ 8 (Docs/BENCHMARKS.md, issue 16 part 4).
/// The database itself keeps a stream's versions gap-free and `streams` current (`events_stream_order`,
/// `events_stream_head`), whoever writes.
enum SQLiteSchema {
    /// The one statement that writes an event row (`Statement.bindEvent` binds it).
    static let insertEvent =
        "INSERT INTO events(position, stream_id, stream_version, prev_position, type, schema_version, payload, metadata, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    /// Every `markInterval`-th version of a stream is marked: a read of `n` events walks at most `n + markInterval - 1`.
    static let markInterval: Int64 = 32

    /// The events table as it is now (`SQLiteStreamIndex` rebuilds a log of the earlier schema into it).
    static func eventsTable(_ name: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            position       INTEGER PRIMARY KEY,
            stream_id      TEXT    NOT NULL,
            stream_version INTEGER NOT NULL,
            prev_position  INTEGER NOT NULL,
            type           TEXT    NOT NULL,
            schema_version INTEGER NOT NULL,
            payload        BLOB    NOT NULL,
            metadata       BLOB    NOT NULL,
            hash           BLOB
        )
        """
    }

    /// The tables (with the triggers of those other than `events`); created before a log of an earlier schema is migrated.
    static let tables = [
        eventsTable("events"),
        """
        CREATE TABLE IF NOT EXISTS streams (
            stream_id     TEXT PRIMARY KEY,
            version       INTEGER NOT NULL,
            head_position INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS stream_marks (
            stream_id      TEXT    NOT NULL,
            stream_version INTEGER NOT NULL,
            position       INTEGER NOT NULL,
            PRIMARY KEY (stream_id, stream_version)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS idempotency (
            key            TEXT PRIMARY KEY,
            stream_id      TEXT    NOT NULL,
            stream_version INTEGER NOT NULL,
            first_position INTEGER NOT NULL,
            last_position  INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TRIGGER IF NOT EXISTS idempotency_no_update BEFORE UPDATE ON idempotency
        BEGIN SELECT RAISE(ABORT, 'idempotency records are append-only'); END
        """,
        // What the log is: the start of its hash chain and the hash before it (`EventChain`), written once.
        """
        CREATE TABLE IF NOT EXISTS lotse_meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TRIGGER IF NOT EXISTS lotse_meta_no_update BEFORE UPDATE ON lotse_meta
        BEGIN SELECT RAISE(ABORT, 'lotse_meta is written once'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS lotse_meta_no_delete BEFORE DELETE ON lotse_meta
        BEGIN SELECT RAISE(ABORT, 'lotse_meta is written once'); END
        """,
        // The case keys (crypto-shredding): beside the log and, unlike it, changeable — erasing a key is the point.
        """
        CREATE TABLE IF NOT EXISTS case_keys (
            case_id       TEXT PRIMARY KEY,
            wrapped       BLOB,
            master_key_id TEXT    NOT NULL,
            created_at    INTEGER NOT NULL,
            erased_at     INTEGER
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS snapshots (
            name     TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            data     BLOB    NOT NULL
        ) WITHOUT ROWID
        """,
    ]

    /// The triggers of the events table; created after a migration (rebuilding the table drops its triggers).
    static let triggers = [
        """
        CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """,
        // An older Lotse (before `prev_position`) writing to this file fails with a message that says so.
        """
        CREATE TRIGGER IF NOT EXISTS events_need_prev_position BEFORE INSERT ON events WHEN NEW.prev_position IS NULL
        BEGIN SELECT RAISE(ABORT, 'events need prev_position - update Lotse'); END
        """,
        // A stream's next event carries the next version and points at the stream's last event — nothing else is
        // written (what the unique index on (stream_id, stream_version) guaranteed, and gap-free besides).
        """
        CREATE TRIGGER IF NOT EXISTS events_stream_order BEFORE INSERT ON events
        WHEN NEW.prev_position IS NOT NULL
         AND (NEW.stream_version IS NOT coalesce((SELECT version FROM streams WHERE stream_id = NEW.stream_id), 0) + 1
          OR NEW.prev_position IS NOT coalesce((SELECT head_position FROM streams WHERE stream_id = NEW.stream_id), 0))
        BEGIN SELECT RAISE(ABORT, 'stream version out of order: events of a stream are numbered 1, 2, 3 ...'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS events_stream_head AFTER INSERT ON events
        BEGIN
            INSERT INTO streams(stream_id, version, head_position) VALUES (NEW.stream_id, NEW.stream_version, NEW.position)
                ON CONFLICT(stream_id) DO UPDATE SET version = excluded.version, head_position = excluded.head_position;
            INSERT INTO stream_marks(stream_id, stream_version, position)
                SELECT NEW.stream_id, NEW.stream_version, NEW.position WHERE NEW.stream_version % \(markInterval) = 0;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS streams_no_delete BEFORE DELETE ON streams
        BEGIN SELECT RAISE(ABORT, 'streams follow the events: append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS stream_marks_no_change BEFORE UPDATE ON stream_marks
        BEGIN SELECT RAISE(ABORT, 'stream marks are append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS stream_marks_no_delete BEFORE DELETE ON stream_marks
        BEGIN SELECT RAISE(ABORT, 'stream marks are append-only'); END
        """,
    ]
}
