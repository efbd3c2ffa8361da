/// The schema of the SQLite event store. Append-only is enforced by triggers, not by convention.
enum SQLiteSchema {
    /// The one statement that writes an event row (`Statement.bindEvent` binds it).
    static let insertEvent =
        "INSERT INTO events(position, stream_id, stream_version, type, schema_version, payload, metadata, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS events (
            position       INTEGER PRIMARY KEY,
            stream_id      TEXT    NOT NULL,
            stream_version INTEGER NOT NULL,
            type           TEXT    NOT NULL,
            schema_version INTEGER NOT NULL,
            payload        BLOB    NOT NULL,
            metadata       BLOB    NOT NULL,
            hash           BLOB,
            UNIQUE (stream_id, stream_version)
        )
        """,
        """
        CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
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
}
