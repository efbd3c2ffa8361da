/// The schema of the PostgreSQL event store (version 2: events carry the hash chain's `hash`; version 1 had none and
/// is migrated on start, see `PostgresChain`). Append-only is enforced by triggers; the head row is the
/// single-writer discipline that makes positions gap-free in commit order (see ADR 0006).
enum PostgresSchema {
    /// The schema version this build writes and reads. A database of a newer version is refused.
    static let version = 2
    /// The identity recorded in `lotse_meta`, so that a database of something else is never written to.
    static let application = "lotse-event-store"

    /// Statements creating the schema in `schema` (idempotent; run under an advisory lock, so that nodes starting
    /// together do not race).
    static func statements(schema: String) -> [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \(schema)",
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_meta (
                key   text PRIMARY KEY,
                value text NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_events (
                position       bigint  PRIMARY KEY,
                stream_id      text    NOT NULL,
                stream_version bigint  NOT NULL,
                type           text    NOT NULL,
                schema_version integer NOT NULL,
                payload        bytea   NOT NULL,
                metadata       bytea   NOT NULL,
                UNIQUE (stream_id, stream_version)
            )
            """,
            // The head: one row, locked by every committing transaction from before it reads the stream versions until
            // its commit. Position order is therefore commit order, and a reader that sees position N sees all below.
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_head (
                id       integer PRIMARY KEY CHECK (id = 1),
                position bigint  NOT NULL,
                -- counts every committed write (also one that stored only an idempotency key): a writer that finds it
                -- where it left it knows that nobody else wrote since.
                commits  bigint  NOT NULL DEFAULT 0
            )
            """,
            "INSERT INTO \(schema).lotse_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_idempotency (
                key            text   PRIMARY KEY,
                stream_id      text   NOT NULL,
                stream_version bigint NOT NULL,
                first_position bigint NOT NULL,
                last_position  bigint NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_snapshots (
                name     text   PRIMARY KEY,
                position bigint NOT NULL,
                data     bytea  NOT NULL
            )
            """,
            // The case keys (crypto-shredding): beside the log and, unlike it, changeable.
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_case_keys (
                case_id       text   PRIMARY KEY,
                wrapped       bytea,
                master_key_id text   NOT NULL,
                created_at    bigint NOT NULL,
                erased_at     bigint
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(schema).lotse_leases (
                name       text        PRIMARY KEY,
                holder     text        NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
            """
            CREATE OR REPLACE FUNCTION \(schema).lotse_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'events are append-only (% on %)', TG_OP, TG_TABLE_NAME;
            END $$
            """,
            "DROP TRIGGER IF EXISTS lotse_events_append_only ON \(schema).lotse_events",
            """
            CREATE TRIGGER lotse_events_append_only BEFORE UPDATE OR DELETE ON \(schema).lotse_events
            FOR EACH ROW EXECUTE FUNCTION \(schema).lotse_append_only()
            """,
            "DROP TRIGGER IF EXISTS lotse_events_no_truncate ON \(schema).lotse_events",
            """
            CREATE TRIGGER lotse_events_no_truncate BEFORE TRUNCATE ON \(schema).lotse_events
            FOR EACH STATEMENT EXECUTE FUNCTION \(schema).lotse_append_only()
            """,
            "DROP TRIGGER IF EXISTS lotse_idempotency_append_only ON \(schema).lotse_idempotency",
            """
            CREATE TRIGGER lotse_idempotency_append_only BEFORE UPDATE OR DELETE ON \(schema).lotse_idempotency
            FOR EACH ROW EXECUTE FUNCTION \(schema).lotse_append_only()
            """,
            // The head only moves forward.
            """
            CREATE OR REPLACE FUNCTION \(schema).lotse_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.position < OLD.position OR NEW.commits < OLD.commits THEN
                    RAISE EXCEPTION 'the log head only moves forward';
                END IF;
                RETURN NEW;
            END $$
            """,
            "DROP TRIGGER IF EXISTS lotse_head_forward ON \(schema).lotse_head",
            """
            CREATE TRIGGER lotse_head_forward BEFORE UPDATE ON \(schema).lotse_head
            FOR EACH ROW EXECUTE FUNCTION \(schema).lotse_head_forward()
            """,
            "DROP TRIGGER IF EXISTS lotse_head_no_delete ON \(schema).lotse_head",
            """
            CREATE TRIGGER lotse_head_no_delete BEFORE DELETE ON \(schema).lotse_head
            FOR EACH ROW EXECUTE FUNCTION \(schema).lotse_append_only()
            """,
            """
            INSERT INTO \(schema).lotse_meta (key, value) VALUES ('application', '\(application)'), ('schema_version', '\(version)')
            ON CONFLICT (key) DO NOTHING
            """,
            // Version 2: the hash chain (`EventChain`); the head row keeps the chain's hash at the head.
            "ALTER TABLE \(schema).lotse_events ADD COLUMN IF NOT EXISTS hash bytea",
            "ALTER TABLE \(schema).lotse_head ADD COLUMN IF NOT EXISTS hash bytea",
            // New events must carry their hash (an older Lotse writing to this database fails loudly instead of breaking
            // the chain); NOT VALID: events from before the chain's start keep theirs empty.
            """
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'lotse_events_hash_required'
                               AND conrelid = '\(schema).lotse_events'::regclass) THEN
                    ALTER TABLE \(schema).lotse_events ADD CONSTRAINT lotse_events_hash_required CHECK (hash IS NOT NULL) NOT VALID;
                END IF;
            END $$
            """,
            "UPDATE \(schema).lotse_meta SET value = '\(version)' WHERE key = 'schema_version' AND value::integer < \(version)",
        ]
    }
}
