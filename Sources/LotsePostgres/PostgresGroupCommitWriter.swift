import Foundation
import Logging
import LotseEventStore
import NIOCore
import PostgresNIO
import Synchronization

/// The appends of one node to a PostgreSQL event store, group-committed: whatever queues while one transaction
/// commits goes into the next. Each transaction first locks the head row (`SELECT … FOR UPDATE`) — the single-writer
/// discipline across all nodes — then reads the stream versions and idempotency keys it needs (a fresh snapshot,
/// taken after the lock, so it sees every earlier commit), plans the batch with `AppendPlan`, inserts all events and
/// keys in one statement (`INSERT … SELECT FROM unnest(…)`), moves the head and notifies (`pg_notify`, delivered at
/// commit), and commits. Position order is therefore commit order, without gaps (ADR 0006).
final class PostgresGroupCommitWriter: Sendable {
    private struct Pending: Sendable {
        let request: AppendRequest
        let continuation: CheckedContinuation<AppendResult, any Error>
    }

    private struct Queue: Sendable {
        var pending: [Pending] = []
        var running = false
        var closed = false
    }

    /// What this node last wrote: valid while the head is still where it left it (nobody else wrote).
    private struct VersionCache: Sendable {
        var head: Int64 = -1
        /// The head row's commit counter after this node's last commit.
        var commits: Int64 = -1
        /// The chain's hash at `head`.
        var hash = EventChain.genesis
        var versions: [StreamID: Int64] = [:]
    }

    private let queue = Mutex(Queue())
    private let cache = Mutex(VersionCache())
    private let connection: PostgresConnectionPool
    private let tables: PostgresTables
    private let signal: HeadSignal
    private let recent: RecentEvents
    private let logger: Logger
    /// Told after every transaction whether the server answered (nil) or not (why): the node's view of its store.
    private let contact: @Sendable (String?) -> Void
    /// Largest number of appends in one transaction (bounds the first one's latency and the statement's size).
    let maxBatch = 2048

    init(connection: PostgresConnectionPool, tables: PostgresTables, signal: HeadSignal, recent: RecentEvents, logger: Logger,
         contact: @escaping @Sendable (String?) -> Void) {
        self.contact = contact
        self.recent = recent
        self.connection = connection
        self.tables = tables
        self.signal = signal
        self.logger = logger
    }

    func submit(_ request: AppendRequest) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { c in
            let (accepted, start) = queue.withLock { q -> (Bool, Bool) in
                guard !q.closed else { return (false, false) }
                q.pending.append(Pending(request: request, continuation: c))
                if q.running { return (true, false) }
                q.running = true
                return (true, true)
            }
            guard accepted else { return c.resume(throwing: EventStoreError.closed) }
            if start { Task { await self.drain() } }
        }
    }

    /// Refuses appends from now on (the ones queued still commit).
    func close() { queue.withLock { $0.closed = true } }

    private func drain() async {
        while true {
            let batch: [Pending] = queue.withLock { q in
                let take = Array(q.pending.prefix(maxBatch))
                q.pending.removeFirst(take.count)
                if take.isEmpty { q.running = false }
                return take
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) async {
        do {
            let plan = try await transaction(batch.map(\.request))
            contact(nil)
            finish(batch, plan)
        } catch let failure as Failure where failure.canRetrySeparately && batch.count > 1 {
            contact(nil)
            // The server refused the batch (one append it cannot store, say): each append on its own, so one bad
            // append cannot take the others down.
            for p in batch {
                do {
                    finish([p], try await transaction([p.request]))
                } catch {
                    p.continuation.resume(throwing: Self.storeError(error))
                }
            }
        } catch {
            let failure = error as? Failure
            contact(failure?.canRetrySeparately == true ? nil : Self.storeError(error).description)
            for p in batch { p.continuation.resume(throwing: Self.storeError(error)) }
        }
    }

    private func finish(_ batch: [Pending], _ plan: AppendPlan) {
        recent.committed(plan.events)
        signal.advance(to: plan.head)
        for (p, r) in zip(batch, plan.results) { p.continuation.resume(with: r.mapError { $0 as any Error }) }
    }

    /// Why a transaction failed.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        /// The server answered with an error (the connection is fine): the appends may be retried one by one.
        let canRetrySeparately: Bool
        var description: String { message }
    }

    static func storeError(_ error: any Error) -> EventStoreError {
        if let e = error as? EventStoreError { return e }
        if let f = error as? Failure { return .storage(f.message) }
        return .storage(PostgresConnector.describe(error).description)
    }

    /// One transaction for `requests`. Throws `Failure` when the server or the connection fails; refusals (wrong
    /// expected version, reused key) are results in the plan.
    private func transaction(_ requests: [AppendRequest]) async throws -> AppendPlan {
        // Only what this batch needs is copied out of the cache (a copy of the whole cache per batch would cost).
        let known: VersionCache = cache.withLock { c in
            var mine = VersionCache()
            mine.head = c.head
            mine.commits = c.commits
            mine.hash = c.hash
            for r in requests { if let v = c.versions[r.stream] { mine.versions[r.stream] = v } }
            return mine
        }
        if known.commits >= 0, requests.allSatisfy({ known.versions[$0.stream] != nil }) {
            // Nobody else wrote (as far as this node knows): plan on the cached versions, and write in one statement
            // that checks it under the head's lock. One round trip; when another node did write, the full path.
            let plan = AppendPlan(requests, head: known.head, versions: known.versions, storedKeys: [:], previousHash: known.hash)
            if try await fastPath(plan, requests: requests, known: known) { return plan }
        }
        return try await fullPath(requests, known: known)
    }

    /// Writes `plan` in one statement (between BEGIN and COMMIT) if the head row is exactly where this node left it
    /// and none of the batch's idempotency keys is stored; returns false (nothing written) otherwise.
    private func fastPath(_ plan: AppendPlan, requests: [AppendRequest], known: VersionCache) async throws -> Bool {
        let tables = self.tables
        let logger = self.logger
        let keys = requests.compactMap(\.idempotencyKey)
        let query = Self.insert(plan, tables: tables, expecting: (known.head, known.commits, keys))
        return try await connection.withConnection { conn in
            var committing = false
            do {
                // An explicit transaction: the statement's answer arrives before an implicit commit has happened (and,
                // with a synchronous standby, before the standby has the commit); only COMMIT's answer means durable.
                try await conn.query("BEGIN", logger: logger)
                var written: Int64?
                for try await commits in try await conn.query(query, logger: logger).decode(Int64?.self) { written = commits }
                guard let commits = written else {
                    try await conn.query("ROLLBACK", logger: logger)
                    return false
                }
                committing = true
                try await conn.query("COMMIT", logger: logger)
                self.remember(plan, from: known.head, commits: commits)
                return true
            } catch {
                self.cache.withLock { $0 = VersionCache() }
                let broken = conn.isClosed
                if !broken { _ = try? await conn.query("ROLLBACK", logger: logger) }
                if committing, broken, try await self.committed(plan) {
                    self.cache.withLock { $0 = VersionCache() }
                    return true
                }
                throw Failure(message: PostgresConnector.describe(error).description, canRetrySeparately: !broken)
            }
        }
    }

    /// Locks the head, reads the versions and keys the batch needs, plans and writes: five round trips.
    private func fullPath(_ requests: [AppendRequest], known: VersionCache) async throws -> AppendPlan {
        let tables = self.tables
        let logger = self.logger
        return try await connection.withConnection { conn in
            var committing = false
            var planned: AppendPlan?
            do {
                try await conn.query("BEGIN", logger: logger)
                var head: Int64 = 0, commits: Int64 = 0, hash = EventChain.genesis
                for try await (h, c, x) in try await conn.query(
                    PostgresQuery(unsafeSQL: "SELECT position, commits, hash FROM \(tables.head) WHERE id = 1 FOR UPDATE"), logger: logger
                ).decode((Int64, Int64, ByteBuffer?).self) {
                    (head, commits) = (h, c)
                    if let x { hash = Data(x.readableBytesView) }
                }
                guard head == 0 || hash != EventChain.genesis else {
                    throw EventStoreError.storage("Hash-Kette: der Kopf bei Position \(head) hat keinen Hash – lotse verify / head without chain hash")
                }
                var versions: [StreamID: Int64] = [:]
                var unknown: [String] = []
                var seen = Set<StreamID>()
                for r in requests where seen.insert(r.stream).inserted {
                    if head == known.head, let v = known.versions[r.stream] { versions[r.stream] = v } else { unknown.append(r.stream.rawValue) }
                }
                if !unknown.isEmpty {
                    var binds = PostgresBindings()
                    binds.append(unknown)
                    let rows = try await conn.query(PostgresQuery(
                        unsafeSQL: "SELECT stream_id, max(stream_version) FROM \(tables.events) WHERE stream_id = ANY($1) GROUP BY stream_id", binds: binds),
                        logger: logger)
                    for try await (stream, version) in rows.decode((String, Int64).self) { versions[StreamID(stream)] = version }
                }
                let keys = requests.compactMap(\.idempotencyKey)
                var stored: [String: (StreamID, AppendResult)] = [:]
                if !keys.isEmpty {
                    var binds = PostgresBindings()
                    binds.append(keys)
                    let rows = try await conn.query(PostgresQuery(
                        unsafeSQL: "SELECT key, stream_id, stream_version, first_position, last_position FROM \(tables.idempotency) WHERE key = ANY($1)",
                        binds: binds), logger: logger)
                    for try await (key, stream, version, first, last) in rows.decode((String, String, Int64, Int64, Int64).self) {
                        stored[key] = (StreamID(stream), AppendResult(streamVersion: version, firstPosition: first, lastPosition: last, deduplicated: true))
                    }
                }
                let plan = AppendPlan(requests, head: head, versions: versions, storedKeys: stored, previousHash: hash)
                planned = plan
                if !plan.events.isEmpty || !plan.keys.isEmpty {
                    try await conn.query(Self.insert(plan, tables: tables, expecting: nil), logger: logger)
                    commits += 1
                }
                committing = true
                try await conn.query("COMMIT", logger: logger)
                self.remember(plan, from: head, commits: commits)
                return plan
            } catch {
                self.cache.withLock { $0 = VersionCache() }
                let broken = conn.isClosed
                if !broken { _ = try? await conn.query("ROLLBACK", logger: logger) }
                if committing, broken, let plan = planned {
                    // The connection broke while committing: the commit may have happened. Ask the server (a new
                    // connection, the new primary after a failover) before answering.
                    if try await self.committed(plan) { return plan }
                }
                throw Failure(message: PostgresConnector.describe(error).description, canRetrySeparately: !broken)
            }
        }
    }

    /// Whether `plan` is in the log (after a connection broke during its commit). Throws when that cannot be known.
    private func committed(_ plan: AppendPlan) async throws -> Bool {
        let conn = try await connection.connector.connect()
        defer { conn.closeSoon() }
        if let last = plan.events.last {
            var binds = PostgresBindings()
            binds.append(last.position)
            let rows = try await conn.query(
                PostgresQuery(unsafeSQL: "SELECT stream_id, stream_version FROM \(tables.events) WHERE position = $1", binds: binds), logger: logger)
            for try await (stream, version) in rows.decode((String, Int64).self) {
                return stream == last.stream.rawValue && version == last.streamVersion
            }
            return false
        }
        guard let key = plan.keys.first else { return false }
        var binds = PostgresBindings()
        binds.append(key.key)
        let rows = try await conn.query(
            PostgresQuery(unsafeSQL: "SELECT last_position FROM \(tables.idempotency) WHERE key = $1", binds: binds), logger: logger)
        for try await last in rows.decode(Int64.self) { return last == key.result.lastPosition }
        return false
    }

    /// The one statement that writes a planned batch: events, idempotency keys, the head (position and commit
    /// counter), and the notification. With `expecting`, it first locks the head and writes only if the head is at
    /// that position and commit count and none of the keys is stored — then it answers the new commit count, else
    /// NULL and nothing is written. (`FOR UPDATE` re-reads the newest head even though the statement's snapshot is
    /// older; any commit since that snapshot moved the counter, so a true check means the snapshot is current.)
    static func insert(_ plan: AppendPlan, tables: PostgresTables, expecting: (head: Int64, commits: Int64, keys: [String])?) -> PostgresQuery {
        let n = plan.events.count
        var positions: [Int64] = [], streams: [String] = [], versions: [Int64] = [], types: [String] = [], schemas: [Int32] = []
        var payloads: [ByteBuffer] = [], metadata: [ByteBuffer] = [], hashes: [ByteBuffer] = []
        positions.reserveCapacity(n); streams.reserveCapacity(n); versions.reserveCapacity(n); types.reserveCapacity(n)
        schemas.reserveCapacity(n); payloads.reserveCapacity(n); metadata.reserveCapacity(n); hashes.reserveCapacity(n)
        for h in plan.hashes { hashes.append(ByteBuffer(bytes: h)) }
        for e in plan.events {
            positions.append(e.position)
            streams.append(e.stream.rawValue)
            versions.append(e.streamVersion)
            types.append(e.type)
            schemas.append(Int32(e.schemaVersion))
            payloads.append(ByteBuffer(bytes: e.payload))
            metadata.append(ByteBuffer(bytes: e.metadata))
        }
        var binds = PostgresBindings(capacity: 19)
        binds.append(positions)
        binds.append(streams)
        binds.append(versions)
        binds.append(types)
        binds.append(schemas)
        binds.append(payloads)
        binds.append(metadata)
        binds.append(plan.keys.map(\.key))
        binds.append(plan.keys.map(\.stream.rawValue))
        binds.append(plan.keys.map(\.result.streamVersion))
        binds.append(plan.keys.map(\.result.firstPosition))
        binds.append(plan.keys.map(\.result.lastPosition))
        binds.append(plan.head)
        binds.append(tables.channel)
        binds.append(hashes)
        binds.append(ByteBuffer(bytes: plan.chainHash))
        guard let expecting else {
            return PostgresQuery(unsafeSQL: """
                WITH ev AS (
                    INSERT INTO \(tables.events) (position, stream_id, stream_version, type, schema_version, payload, metadata, hash)
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::integer[], $6::bytea[], $7::bytea[], $15::bytea[])
                ), idem AS (
                    INSERT INTO \(tables.idempotency) (key, stream_id, stream_version, first_position, last_position)
                    SELECT * FROM unnest($8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[])
                )
                UPDATE \(tables.head) SET position = $13, commits = commits + 1, hash = $16 WHERE id = 1 RETURNING pg_notify($14, $13::text)
                """, binds: binds)
        }
        binds.append(expecting.head)
        binds.append(expecting.commits)
        binds.append(expecting.keys)
        return PostgresQuery(unsafeSQL: """
            WITH h AS (
                SELECT position, commits FROM \(tables.head) WHERE id = 1 FOR UPDATE
            ), ok AS (
                SELECT h.position = $17 AND h.commits = $18
                       AND NOT EXISTS (SELECT 1 FROM \(tables.idempotency) WHERE key = ANY($19::text[])) AS ok
                FROM h
            ), ev AS (
                INSERT INTO \(tables.events) (position, stream_id, stream_version, type, schema_version, payload, metadata, hash)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::integer[], $6::bytea[], $7::bytea[], $15::bytea[])
                WHERE (SELECT ok FROM ok)
            ), idem AS (
                INSERT INTO \(tables.idempotency) (key, stream_id, stream_version, first_position, last_position)
                SELECT * FROM unnest($8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[])
                WHERE (SELECT ok FROM ok)
            ), upd AS (
                UPDATE \(tables.head) SET position = $13, commits = commits + 1, hash = $16 WHERE id = 1 AND (SELECT ok FROM ok)
                RETURNING commits, pg_notify($14, $13::text)
            )
            SELECT (SELECT commits FROM upd)
            """, binds: binds)
    }

    /// Keeps the stream versions this node just committed (bounded: a long-running node forgets and re-reads).
    /// `from` is the head the transaction found: when it is not the one this node left, the other versions are stale.
    private func remember(_ plan: AppendPlan, from head: Int64, commits: Int64) {
        cache.withLock { c in
            if c.head != head || c.versions.count > 50_000 { c.versions.removeAll(keepingCapacity: true) }
            c.head = plan.head
            c.commits = commits
            c.hash = plan.chainHash
            c.versions.merge(plan.versions) { $1 }
        }
    }
}

/// The qualified names of Lotse's tables in one schema, and its notification channel.
struct PostgresTables: Sendable {
    let schema: String
    var events: String { "\(schema).lotse_events" }
    var head: String { "\(schema).lotse_head" }
    var idempotency: String { "\(schema).lotse_idempotency" }
    var snapshots: String { "\(schema).lotse_snapshots" }
    var leases: String { "\(schema).lotse_leases" }
    var meta: String { "\(schema).lotse_meta" }
    var caseKeys: String { "\(schema).lotse_case_keys" }
    /// The channel `pg_notify` announces a new head on (one per schema).
    var channel: String { schema == "public" ? "lotse_head" : "lotse_head_\(schema)" }
}
