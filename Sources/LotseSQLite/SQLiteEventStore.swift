import CSQLite
import Dispatch
import Foundation
import LotseEventStore
import Synchronization

/// The SQLite adapter of the event store (the embedded default).
///
/// - Durability: WAL with `synchronous = FULL`; an append is acknowledged only after its commit is fsync'd.
/// - Group commit: all appends go through one writer thread. Whatever queued while the previous commit was
///   being fsync'd is written in the next single transaction (one fsync). Each append is checked (idempotency key,
///   expected version) before it writes, so a refused one writes nothing and the others commit; only when SQLite
///   itself fails is the batch rolled back and retried one append per transaction.
/// - Gap-free positions: only that writer assigns positions, inside `BEGIN IMMEDIATE` (which also serialises
///   writers of other processes), as `max(position) + 1`.
public final class SQLiteEventStore: ChainedEventStore, SnapshotStore {
    public let path: String
    private let writer: GroupCommitWriter
    private let readers = Mutex<[ReaderBox]>([])
    private let signal: HeadSignal
    /// What this process's writer committed last: its projection and event streams follow their own writes from memory.
    private let recent = RecentEvents()
    /// How often subscribers re-read when nothing was signalled (appends of other processes).
    public let pollInterval: Duration
    /// Where the log's hash chain begins (`EventChain`).
    public let anchor: ChainAnchor

    /// Opens (and creates) the store at `path`. A log of an earlier schema is migrated first (`SQLiteStreamIndex`);
    /// `migrating` is told how many events that copies (by default a line on standard error).
    public init(path: String, pollInterval: Duration = .milliseconds(250),
                migrating: @escaping (Int64) -> Void = SQLiteEventStore.reportMigration) throws {
        self.path = path
        self.pollInterval = pollInterval
        let connection = try SQLiteConnection(path: path)
        try connection.exec("PRAGMA journal_mode = WAL")
        try connection.exec("PRAGMA synchronous = FULL")
        guard try connection.scalarInt("PRAGMA synchronous") == 2 else {
            throw EventStoreError.storage("PRAGMA synchronous = FULL did not take effect")
        }
        guard try connection.scalarText("PRAGMA journal_mode")?.lowercased() == "wal" else {
            throw EventStoreError.storage("WAL journal mode is not available for \(path)")
        }
        for sql in SQLiteSchema.tables { try connection.exec(sql) }
        try SQLiteStreamIndex.migrate(connection, progress: migrating)
        for sql in SQLiteSchema.triggers { try connection.exec(sql) }
        anchor = try SQLiteChain.anchor(connection)
        let head = try connection.scalarInt("SELECT coalesce(max(position), 0) FROM events") ?? 0
        signal = HeadSignal(head: head)
        writer = try GroupCommitWriter(connection: connection, signal: signal, recent: recent, anchor: anchor)
    }

    deinit { writer.stop() }

    /// The default report of a migration: one line on standard error before the copy starts.
    public static func reportMigration(_ events: Int64) {
        FileHandle.standardError.write(Data(
            "lotse: Protokoll wird auf den neuen Stream-Index umgestellt (\(events) Ereignisse, einmalig) / migrating the log's stream index\n".utf8))
    }

    /// Stops the writer after the appends already queued; later appends fail with `.closed`.
    public func close() { writer.stop() }

    // MARK: EventStore

    public func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        try await writer.submit(AppendRequest(stream: stream, events: events, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey))
    }

    public func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        // What this process just committed is answered from memory (the projection follows its own writes).
        if let mine = recent.read(after: position, limit: limit) { return mine }
        return try withReader { c in
            let s = try c.cached(
                "SELECT \(Self.eventColumns) FROM events WHERE position > ? ORDER BY position LIMIT ?")
            defer { s.reset() }
            s.bind(1, position)
            s.bind(2, Int64(limit))
            return try Self.rows(s)
        }
    }

    public func scan<T>(after position: Int64, limit: Int, _ transform: (ScannedEvent) throws -> T) async throws -> [T] {
        if let mine = recent.read(after: position, limit: limit) { return try mine.map { try $0.scanned(transform) } }
        return try withReader { c in
            let s = try c.cached("SELECT position, type, schema_version, payload FROM events WHERE position > ? ORDER BY position LIMIT ?")
            defer { s.reset() }
            s.bind(1, position)
            s.bind(2, Int64(limit))
            var out: [T] = []
            out.reserveCapacity(min(limit, 4096))
            while try s.step() {
                out.append(try transform(ScannedEvent(position: s.int(0), type: s.internedText(1), schemaVersion: Int(s.int(2)), payload: s.rawBlob(3))))
            }
            return out
        }
    }

    public func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] {
        try await readStream(stream, after: version, limit: .max)
    }

    public func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        try withReader { c in try SQLiteStreamIndex.read(stream, after: version, limit: limit, on: c) }
    }

    public func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? {
        try withReader { c in
            let s = try c.cached("SELECT stream_id, stream_version, first_position, last_position FROM idempotency WHERE key = ?")
            defer { s.reset() }
            s.bind(1, key)
            guard try s.step() else { return nil }
            return (StreamID(s.text(0)), AppendResult(streamVersion: s.int(1), firstPosition: s.int(2), lastPosition: s.int(3), deduplicated: true))
        }
    }

    public func head() async throws -> Int64 {
        try withReader { c in
            let s = try c.cached("SELECT coalesce(max(position), 0) FROM events")
            defer { s.reset() }
            _ = try s.step()
            return s.int(0)
        }
    }

    public func readChained(after position: Int64, limit: Int) async throws -> [ChainedEvent] {
        try withReader { c in
            let s = try c.cached(
                "SELECT \(Self.eventColumns), hash FROM events WHERE position > ? ORDER BY position LIMIT ?")
            defer { s.reset() }
            s.bind(1, position)
            s.bind(2, Int64(limit))
            var out: [ChainedEvent] = []
            while try s.step() { out.append(ChainedEvent(event: Self.event(s), hash: s.isNull(7) ? nil : s.blob(7))) }
            return out
        }
    }

    public func chainAnchor() async throws -> ChainAnchor { anchor }

    public func subscribe(after position: Int64) -> EventSubscription {
        EventSubscription(after: position, pollInterval: pollInterval, signal: signal) { [self] after, limit in
            try await self.read(after: after, limit: limit)
        }
    }

    // MARK: SnapshotStore

    public func save(_ snapshot: Snapshot) async throws {
        try withReader { c in
            let s = try c.prepare("INSERT OR REPLACE INTO snapshots(name, position, data) VALUES (?, ?, ?)")
            s.bind(1, snapshot.name)
            s.bind(2, snapshot.position)
            s.bind(3, snapshot.data)
            try s.step()
        }
    }

    public func load(name: String) async throws -> Snapshot? {
        try withReader { c in
            let s = try c.prepare("SELECT position, data FROM snapshots WHERE name = ?")
            s.bind(1, name)
            guard try s.step() else { return nil }
            return Snapshot(name: name, position: s.int(0), data: s.blob(1))
        }
    }

    // MARK: Reading

    /// Runs `body` on a pooled connection (WAL: readers never block the writer).
    func withReader<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let box = try readers.withLock { $0.popLast() } ?? ReaderBox(SQLiteConnection(path: path))
        defer { readers.withLock { $0.append(box) } }
        return try body(box.connection)
    }

    private static func rows(_ s: Statement) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        while try s.step() { out.append(event(s)) }
        return out
    }

    /// The columns `event(_:)` reads, in its order.
    static let eventColumns = "position, stream_id, stream_version, type, schema_version, payload, metadata"

    /// The event in the current row of a statement selecting `eventColumns` (first, in that order).
    static func event(_ s: Statement) -> RecordedEvent {
        RecordedEvent(
            position: s.int(0), stream: StreamID(s.text(1)), streamVersion: s.int(2), type: s.internedText(3),
            schemaVersion: Int(s.int(4)), payload: s.blob(5), metadata: s.blob(6))
    }
}

/// A pooled read connection. `@unchecked Sendable`: it is only used by whoever took it out of the
/// mutex-protected pool, never by two threads at once.
private final class ReaderBox: @unchecked Sendable {
    let connection: SQLiteConnection
    init(_ c: SQLiteConnection) { connection = c }
}

extension SQLiteConnection {
    /// A statement prepared once per connection and reused (parsing SQL costs more than a small query).
    func cached(_ sql: String) throws -> Statement {
        if let s = statementCache[sql] {
            s.reset()
            return s
        }
        let s = try prepare(sql)
        statementCache[sql] = s
        return s
    }
}
