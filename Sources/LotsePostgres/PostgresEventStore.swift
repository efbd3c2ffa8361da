import Foundation
import Logging
import LotseEventStore
import NIOCore
import PostgresNIO
import Synchronization

/// The PostgreSQL adapter of the event store: several Lotse nodes on one log.
///
/// - Durability: an append is acknowledged after PostgreSQL committed it (with synchronous replication configured on
///   the server: after the standby has it too).
/// - Gap-free positions in commit order: every committing transaction holds the head row's lock until it commits
///   (`PostgresGroupCommitWriter`, ADR 0006); positions are taken under that lock, so position order is commit order
///   and a reader that sees position N has seen everything below N.
/// - Group commit per node: the appends queued while one transaction commits go into the next.
/// - Subscriptions: woken by `LISTEN/NOTIFY` (the new head, sent at commit), always followed by a read by position,
///   so a lost notification, a reconnect or a restart loses nothing; polling (`pollInterval`) when notifications are
///   unavailable (a hot standby refuses `LISTEN`). A subscription outlives an outage of the server: it retries.
public final class PostgresEventStore: ChainedEventStore, SnapshotStore, LeaseStore {
    public let url: PostgresStoreURL
    /// How often subscribers re-read without a notification.
    public let pollInterval: Duration
    let tables: PostgresTables
    private let readers: PostgresConnectionPool
    private let writerConnection: PostgresConnectionPool
    private let writer: PostgresGroupCommitWriter
    private let signal: HeadSignal
    private let recent = RecentEvents()
    private let logger: Logger
    private let listener = Mutex<Task<Void, Never>?>(nil)
    private let health = HealthBox()

    /// What this node knows about its server: reachable (the last request succeeded), when it last answered, and
    /// whether head notifications arrive (false on a standby or while reconnecting: subscribers poll).
    public var status: StoreStatus { health.state.withLock { $0 } }

    private init(url: PostgresStoreURL, connector: PostgresConnector, pollInterval: Duration, head: Int64, logger: Logger) {
        self.url = url
        self.pollInterval = pollInterval
        self.logger = logger
        tables = PostgresTables(schema: url.schema)
        signal = HeadSignal(head: head)
        readers = PostgresConnectionPool(connector: connector, limit: 16)
        writerConnection = PostgresConnectionPool(connector: connector, limit: 1)
        let health = self.health
        writer = PostgresGroupCommitWriter(
            connection: writerConnection, tables: tables, signal: signal, recent: recent, logger: logger
        ) { problem in
            health.record(problem)
        }
    }

    /// Connects, creates the schema in an empty database (or checks that it is Lotse's, of a version this build
    /// reads), and starts listening for new heads. Nothing is written to a database that is not Lotse's.
    public static func open(_ url: PostgresStoreURL, pollInterval: Duration = .milliseconds(250),
                            logger: Logger = Logger(label: "lotse.postgres")) async throws(PostgresStoreError) -> PostgresEventStore {
        let connector = PostgresConnector(url: url, logger: logger)
        let conn = try await connector.connect()
        defer { conn.closeSoon() }
        let tables = PostgresTables(schema: url.schema)
        let head: Int64
        do {
            head = try await prepareSchema(conn, tables: tables, create: url.target == .readWrite, logger: logger)
        } catch let e as PostgresStoreError {
            throw e
        } catch {
            throw PostgresConnector.describe(error)
        }
        let store = PostgresEventStore(url: url, connector: connector, pollInterval: pollInterval, head: head, logger: logger)
        store.startListening(connector)
        return store
    }

    private static func prepareSchema(_ conn: PostgresConnection, tables: PostgresTables, create: Bool, logger: Logger) async throws -> Int64 {
        if create {
            try await conn.query("BEGIN", logger: logger)
            var lock = PostgresBindings()
            lock.append("lotse-schema-\(tables.schema)")
            try await conn.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(hashtext($1))", binds: lock), logger: logger)
        }
        do {
            var binds = PostgresBindings()
            binds.append(tables.schema)
            let existing = try await conn.query(PostgresQuery(
                unsafeSQL: "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1", binds: binds), logger: logger)
            var names = Set<String>()
            for try await name in existing.decode(String.self) { names.insert(name) }
            if names.contains("lotse_meta") {
                var meta: [String: String] = [:]
                for try await (k, v) in try await conn.query(PostgresQuery(unsafeSQL: "SELECT key, value FROM \(tables.meta)"), logger: logger)
                    .decode((String, String).self) { meta[k] = v }
                guard meta["application"] == PostgresSchema.application else {
                    throw PostgresStoreError.foreignDatabase("Die Datenbank ist nicht Lotses (lotse_meta ohne Kennung) – nichts geschrieben")
                }
                guard let v = meta["schema_version"].flatMap(Int.init), v <= PostgresSchema.version else {
                    throw PostgresStoreError.foreignDatabase(
                        "Lotses Datenbankschema hat Version \(meta["schema_version"] ?? "?"), dieses Programm kennt höchstens \(PostgresSchema.version) – bitte Lotse aktualisieren")
                }
            } else if !names.isEmpty {
                throw PostgresStoreError.foreignDatabase(
                    "Schema \(tables.schema) enthält Tabellen, die nicht Lotses sind (\(names.sorted().prefix(3).joined(separator: ", "))) – nichts geschrieben")
            } else if !create {
                throw PostgresStoreError.foreignDatabase("Die Datenbank enthält noch kein Lotse-Protokoll (ein lesender Knoten legt keines an)")
            }
            if create {
                for sql in PostgresSchema.statements(schema: tables.schema) { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await PostgresChain.migrate(conn, tables: tables, logger: logger)
                try await conn.query("COMMIT", logger: logger)
            }
            return try await conn.query(PostgresQuery(unsafeSQL: "SELECT position FROM \(tables.head) WHERE id = 1"), logger: logger)
                .collectFirst(Int64.self) ?? 0
        } catch {
            if create { _ = try? await conn.query("ROLLBACK", logger: logger) }
            throw error
        }
    }

    /// Stops listening and refuses appends; queued appends still commit.
    public func close() {
        writer.close()
        listener.withLock { $0?.cancel() }
        readers.close()
        writerConnection.close()
    }

    deinit { listener.withLock { $0?.cancel() } }

    // MARK: EventStore

    public func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        try await writer.submit(AppendRequest(stream: stream, events: events, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey))
    }

    public func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        // What this node just committed is answered from memory (its projection follows its own writes).
        if let mine = recent.read(after: position, limit: limit) { return mine }
        var binds = PostgresBindings()
        binds.append(position)
        binds.append(Int64(limit))
        return try await events(PostgresQuery(
            unsafeSQL: "SELECT position, stream_id, stream_version, type, schema_version, payload, metadata FROM \(tables.events) WHERE position > $1 ORDER BY position LIMIT $2",
            binds: binds))
    }

    public func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] {
        try await readStream(stream, after: version, limit: .max)
    }

    public func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        var binds = PostgresBindings()
        binds.append(stream.rawValue)
        binds.append(version)
        binds.append(Int64(max(0, limit)))
        return try await events(PostgresQuery(
            unsafeSQL: "SELECT position, stream_id, stream_version, type, schema_version, payload, metadata FROM \(tables.events) WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version LIMIT $3",
            binds: binds))
    }

    public func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? {
        var binds = PostgresBindings()
        binds.append(key)
        let query = PostgresQuery(
            unsafeSQL: "SELECT stream_id, stream_version, first_position, last_position FROM \(tables.idempotency) WHERE key = $1", binds: binds)
        return try await reading { conn, logger in
            for try await (stream, v, first, last) in try await conn.query(query, logger: logger).decode((String, Int64, Int64, Int64).self) {
                return (StreamID(stream), AppendResult(streamVersion: v, firstPosition: first, lastPosition: last, deduplicated: true))
            }
            return nil
        }
    }

    public func head() async throws -> Int64 {
        let query = PostgresQuery(unsafeSQL: "SELECT position FROM \(tables.head) WHERE id = 1")
        let h = try await reading { conn, logger in try await conn.query(query, logger: logger).collectFirst(Int64.self) ?? 0 }
        signal.advance(to: h)
        return h
    }

    /// The newest head this node has heard of (its own commits, notifications, reads), without asking the server.
    public var knownHead: Int64 { signal.head }

    public func subscribe(after position: Int64) -> EventSubscription {
        let watch = SubscriptionWatch(logger: logger, pollInterval: pollInterval)
        return EventSubscription(after: position, pollInterval: pollInterval, signal: signal) { [self] after, limit in
            // A subscription survives an outage: it retries until the server answers again (or its task ends).
            while true {
                do {
                    let page = try await self.read(after: after, limit: limit)
                    watch.read(after: after, count: page.count, knownHead: signal.head)
                    return page
                } catch {
                    if Task.isCancelled { return [] }
                    watch.failed(after: after, error)
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
        }
    }

    // MARK: SnapshotStore

    public func save(_ snapshot: Snapshot) async throws {
        var binds = PostgresBindings()
        binds.append(snapshot.name)
        binds.append(snapshot.position)
        binds.append(ByteBuffer(bytes: snapshot.data))
        // A lagging node never replaces a newer snapshot with an older one.
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO \(tables.snapshots) (name, position, data) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, data = excluded.data
            WHERE \(tables.snapshots).position <= excluded.position
            """, binds: binds)
        try await reading { conn, logger in _ = try await conn.query(query, logger: logger) }
    }

    public func load(name: String) async throws -> Snapshot? {
        var binds = PostgresBindings()
        binds.append(name)
        let query = PostgresQuery(unsafeSQL: "SELECT position, data FROM \(tables.snapshots) WHERE name = $1", binds: binds)
        return try await reading { conn, logger in
            for try await (position, data) in try await conn.query(query, logger: logger).decode((Int64, ByteBuffer).self) {
                return Snapshot(name: name, position: position, data: Data(data.readableBytesView))
            }
            return nil
        }
    }

    // MARK: LeaseStore

    public func acquire(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(holder)
        binds.append(Int64(ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000))
        // The server's clock decides, so nodes whose clocks differ agree on who holds the lease.
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO \(tables.leases) (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE \(tables.leases).holder = excluded.holder OR \(tables.leases).expires_at < clock_timestamp()
            RETURNING holder
            """, binds: binds)
        return try await reading { conn, logger in try await conn.query(query, logger: logger).collectFirst(String.self) == holder }
    }

    public func release(_ name: String, holder: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(holder)
        let query = PostgresQuery(unsafeSQL: "DELETE FROM \(tables.leases) WHERE name = $1 AND holder = $2", binds: binds)
        try await reading { conn, logger in _ = try await conn.query(query, logger: logger) }
    }

    public func readChained(after position: Int64, limit: Int) async throws -> [ChainedEvent] {
        var binds = PostgresBindings()
        binds.append(position)
        binds.append(Int64(limit))
        let query = PostgresQuery(
            unsafeSQL: "SELECT position, stream_id, stream_version, type, schema_version, payload, metadata, hash FROM \(tables.events) WHERE position > $1 ORDER BY position LIMIT $2",
            binds: binds)
        return try await reading { conn, logger in
            var out: [ChainedEvent] = []
            for try await (position, stream, version, type, schema, payload, metadata, hash) in try await conn.query(query, logger: logger).decode(
                (Int64, String, Int64, String, Int32, ByteBuffer, ByteBuffer, ByteBuffer?).self)
            {
                out.append(ChainedEvent(
                    event: RecordedEvent(
                        position: position, stream: StreamID(stream), streamVersion: version, type: type, schemaVersion: Int(schema),
                        payload: Data(payload.readableBytesView), metadata: Data(metadata.readableBytesView)),
                    hash: hash.map { Data($0.readableBytesView) }))
            }
            return out
        }
    }

    public func chainAnchor() async throws -> ChainAnchor {
        let tables = self.tables
        guard let anchor = try await reading({ conn, logger in try await PostgresChain.anchor(conn, tables: tables, logger: logger) }) else {
            throw EventStoreError.storage("Das Protokoll hat noch keine Hash-Kette (ein schreibender Knoten legt sie beim Start an) / log not chained yet")
        }
        return anchor
    }

    // MARK: Reading

    func reading<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        do {
            let r = try await readers.withConnection { try await body($0, logger) }
            succeeded()
            return r
        } catch {
            let e = PostgresGroupCommitWriter.storeError(error)
            // A server that answers with an error is reachable; only a failed connection makes the node's data stale.
            if (error as? PSQLError)?.code == .server { succeeded() } else { failed(e.description) }
            throw e
        }
    }

    private func events(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        try await reading { conn, logger in
            var out: [RecordedEvent] = []
            let rows = try await conn.query(query, logger: logger)
            for try await (position, stream, version, type, schema, payload, metadata) in rows.decode(
                (Int64, String, Int64, String, Int32, ByteBuffer, ByteBuffer).self)
            {
                out.append(RecordedEvent(
                    position: position, stream: StreamID(stream), streamVersion: version, type: type, schemaVersion: Int(schema),
                    payload: Data(payload.readableBytesView), metadata: Data(metadata.readableBytesView)))
            }
            return out
        }
    }

    private func succeeded() { health.record(nil) }

    private func failed(_ message: String) { health.record(message) }

    // MARK: Notifications

    private func startListening(_ connector: PostgresConnector) {
        let signal = self.signal, tables = self.tables, logger = self.logger, health = self.health
        let task = Task {
            while !Task.isCancelled {
                do {
                    let conn = try await connector.connect(target: .any)
                    defer { conn.closeSoon() }
                    // The notification sequence ends when its connection closes: closing it is how cancelling works.
                    try await withTaskCancellationHandler {
                    try await conn.listen(on: tables.channel) { notifications in
                        health.state.withLock { $0.notified = true }
                        // Catch up once listening: whatever was committed before LISTEN took effect.
                        let head = try await conn.query(PostgresQuery(unsafeSQL: "SELECT position FROM \(tables.head) WHERE id = 1"), logger: logger)
                            .collectFirst(Int64.self) ?? 0
                        signal.advance(to: head)
                        for try await n in notifications {
                            if let h = Int64(n.payload) { signal.advance(to: h) }
                        }
                    }
                    } onCancel: {
                        conn.closeSoon()
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("listen failed, subscribers poll", metadata: ["lotse.error": "\(error)"])
                }
                health.state.withLock { $0.notified = false }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        listener.withLock { $0 = task }
    }
}

/// The health shared with the listening task (a class, so the task need not hold the store).
private final class HealthBox: Sendable {
    let state = Mutex(StoreStatus(reachable: true, lastContact: Date(), lastError: nil, notified: false))

    /// The server answered (nil), or could not be reached (why).
    func record(_ problem: String?) {
        let now = Date()
        state.withLock { h in
            h.reachable = problem == nil
            h.lastError = problem
            if problem == nil { h.lastContact = now }
        }
    }
}

/// What a subscription says in the node's log when it does not move: reads that fail (first, then every 20th), reads
/// that come back empty although the node has heard of a newer head (after 10 s of that, then every 10 s), and when it
/// reads again. A stale projection is otherwise only visible as lag in `/readyz`.
private final class SubscriptionWatch: Sendable {
    private struct State {
        var failures = 0
        var emptyBehind = 0
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let pollsPer10s: Int

    init(logger: Logger, pollInterval: Duration) {
        self.logger = logger
        let ms = max(1, pollInterval.components.seconds * 1000 + pollInterval.components.attoseconds / 1_000_000_000_000_000)
        pollsPer10s = max(1, Int(10_000 / ms))
    }

    func read(after: Int64, count: Int, knownHead: Int64) {
        let (recovered, behind) = state.withLock { s -> (Int, Int) in
            let failures = s.failures
            s.failures = 0
            s.emptyBehind = count == 0 && knownHead > after ? s.emptyBehind + 1 : 0
            return (failures, s.emptyBehind)
        }
        if recovered > 0 {
            logger.notice("subscription reads again", metadata: ["lotse.after": "\(after)", "lotse.failedReads": "\(recovered)"])
        }
        if behind > 0, behind % pollsPer10s == 0 {
            logger.warning("subscription finds nothing after a position below the known head", metadata: [
                "lotse.after": "\(after)", "lotse.knownHead": "\(knownHead)", "lotse.emptyReads": "\(behind)"])
        }
    }

    func failed(after: Int64, _ error: any Error) {
        let n = state.withLock { s in
            s.failures += 1
            return s.failures
        }
        if n == 1 || n % 20 == 0 {
            logger.warning("subscription read failed, retrying", metadata: [
                "lotse.after": "\(after)", "lotse.failedReads": "\(n)", "lotse.error": "\(error)"])
        }
    }
}
