import CSQLite
import Foundation
import LotseEventStore
import Synchronization

/// The single writer of an SQLite event store: a dedicated thread that drains the queue of appends and
/// commits each drained batch in one transaction (one fsync for all of them).
///
/// `@unchecked Sendable`: the connection and the prepared statements are used only on the writer thread;
/// everything shared with callers (the queue, the stop flag) is behind `queue`'s mutex.
final class GroupCommitWriter: @unchecked Sendable {
    private struct Pending {
        let request: AppendRequest
        let continuation: CheckedContinuation<AppendResult, any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let connection: SQLiteConnection
    private let signal: HeadSignal
    private let recent: RecentEvents
    private var thread: Thread?
    /// Each stream's version and last event's position as of `knownHead` (writer thread only). Valid while nobody
    /// else writes the file: a batch that finds another head than the one this writer left drops it (another process
    /// appended).
    private var streams: [StreamID: StreamHead] = [:]
    private var knownHead: Int64 = -1
    /// The chain's hash at `knownHead` (writer thread only).
    private var knownHash = EventChain.genesis
    private let anchor: ChainAnchor

    // Prepared once, used only on the writer thread.
    private let selectHead: Statement
    private let selectStreamHead: Statement
    private let selectIdempotency: Statement
    private let selectHash: Statement
    private let insertEvent: Statement
    private let insertIdempotency: Statement

    /// Largest number of appends committed in one transaction (bounds the latency of the first in a batch).
    let maxBatch = 4096

    init(connection: SQLiteConnection, signal: HeadSignal, recent: RecentEvents, anchor: ChainAnchor) throws {
        self.connection = connection
        self.signal = signal
        self.recent = recent
        self.anchor = anchor
        selectHash = try connection.prepare("SELECT hash FROM events WHERE position = ?")
        selectHead = try connection.prepare("SELECT coalesce(max(position), 0) FROM events")
        selectStreamHead = try connection.prepare("SELECT version, head_position FROM streams WHERE stream_id = ?")
        selectIdempotency = try connection.prepare(
            "SELECT stream_id, stream_version, first_position, last_position FROM idempotency WHERE key = ?")
        insertEvent = try connection.prepare(
            SQLiteSchema.insertEvent)
        insertIdempotency = try connection.prepare(
            "INSERT INTO idempotency(key, stream_id, stream_version, first_position, last_position) VALUES (?, ?, ?, ?, ?)")
        let t = Thread { [self] in run() }
        t.name = "lotse-sqlite-writer"
        thread = t
        t.start()
    }

    /// A stream's version and the position of its last event (0, 0: no stream yet).
    private struct StreamHead {
        let version: Int64
        let position: Int64
    }

    func submit(_ request: AppendRequest) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { c in
            let accepted = queue.withLock { q in
                guard !q.stopped else { return false }
                q.pending.append(Pending(request: request, continuation: c))
                return true
            }
            if accepted { wake.signal() } else { c.resume(throwing: EventStoreError.closed) }
        }
    }

    /// Commits what is queued, then ends the thread. Idempotent.
    func stop() {
        let first = queue.withLock { q in
            defer { q.stopped = true }
            return !q.stopped
        }
        guard first else { return }
        wake.signal()
        finished.wait()
    }

    private func run() {
        // Named from inside (a thread takes its creator's name otherwise): `top -H` and `perf` show the writer.
        Thread.current.name = "lotse-sqlwriter"
        while true {
            wake.wait()
            let (batch, more, stopped): ([Pending], Bool, Bool) = queue.withLock { q in
                let take = Array(q.pending.prefix(maxBatch))
                q.pending.removeFirst(take.count)
                return (take, !q.pending.isEmpty, q.stopped)
            }
            if !batch.isEmpty { commit(batch) }
            if more {
                wake.signal()
                continue
            }
            if stopped { break }
        }
        finished.signal()
    }

    private func commit(_ batch: [Pending]) {
        // Fast path: every append is checked (idempotency key, expected version) before it writes, so a refused
        // append writes nothing and needs no savepoint. Only when a write itself fails (which the checks make
        // unexpected) is the batch rolled back and retried one append per transaction, so one bad append cannot
        // take the others down.
        do {
            let (results, head) = try transaction(batch)
            finish(batch, results, head: head)
        } catch {
            for p in batch {
                do {
                    let (results, head) = try transaction([p])
                    finish([p], results, head: head)
                } catch {
                    p.continuation.resume(throwing: (error as? EventStoreError) ?? EventStoreError.storage("\(error)"))
                }
            }
        }
    }

    /// One transaction for `batch`; throws (after rolling back) when SQLite fails, not when an append is refused.
    /// The rules (idempotency, expected version, positions) are `AppendPlan`'s; this reads what it needs and writes
    /// what it planned.
    private func transaction(_ batch: [Pending]) throws -> ([Result<AppendResult, any Error>], Int64) {
        do {
            try connection.exec("BEGIN IMMEDIATE")
            selectHead.reset()
            _ = try selectHead.step()
            let head = selectHead.int(0)
            selectHead.reset()  // an unfinished statement would keep an old read snapshot open
            if head != knownHead {
                streams.removeAll(keepingCapacity: true)
                knownHash = try chainHash(at: head)
            }
            var current: [StreamID: StreamHead] = [:]
            var stored: [String: (StreamID, AppendResult)] = [:]
            for p in batch {
                let r = p.request
                if current[r.stream] == nil { current[r.stream] = try streams[r.stream] ?? streamHead(r.stream) }
                if let key = r.idempotencyKey, stored[key] == nil, let found = try storedKey(key) { stored[key] = found }
            }
            let plan = AppendPlan(batch.map(\.request), head: head, versions: current.mapValues(\.version), storedKeys: stored,
                                  previousHash: knownHash)
            for (e, hash) in zip(plan.events, plan.hashes) {
                insertEvent.reset()
                insertEvent.bindEvent(e, previousInStream: current[e.stream]?.position ?? 0, hash: hash)
                try insertEvent.step()
                current[e.stream] = StreamHead(version: e.streamVersion, position: e.position)
            }
            for k in plan.keys {
                insertIdempotency.reset()
                insertIdempotency.bind(1, k.key)
                insertIdempotency.bind(2, k.stream.rawValue)
                insertIdempotency.bind(3, k.result.streamVersion)
                insertIdempotency.bind(4, k.result.firstPosition)
                insertIdempotency.bind(5, k.result.lastPosition)
                try insertIdempotency.step()
            }
            try connection.exec("COMMIT")
            recent.committed(plan.events)
            streams.merge(current) { $1 }
            knownHead = plan.head
            knownHash = plan.chainHash
            return (plan.results.map { $0.mapError { $0 as any Error } }, plan.head)
        } catch {
            try? connection.exec("ROLLBACK")
            knownHead = -1
            streams.removeAll(keepingCapacity: true)
            throw error
        }
    }

    private func finish(_ batch: [Pending], _ results: [Result<AppendResult, any Error>], head: Int64) {
        signal.advance(to: head)
        for (p, r) in zip(batch, results) { p.continuation.resume(with: r) }
    }

    /// The chain's hash at `head`: stored beside the event, or the anchor just before the chain's start. An event
    /// after the start without a hash (written by a program that does not chain) is refused rather than papered over.
    private func chainHash(at head: Int64) throws -> Data {
        if head == anchor.start - 1 { return anchor.hash }
        if head == 0 { return EventChain.genesis }
        selectHash.reset()
        selectHash.bind(1, head)
        defer { selectHash.reset() }
        guard try selectHash.step(), !selectHash.isNull(0) else {
            throw EventStoreError.storage("Hash-Kette: Position \(head) ohne Hash – lotse verify / event without chain hash")
        }
        return selectHash.blob(0)
    }

    private func streamHead(_ stream: StreamID) throws -> StreamHead {
        selectStreamHead.reset()
        selectStreamHead.bind(1, stream.rawValue)
        defer { selectStreamHead.reset() }
        guard try selectStreamHead.step() else { return StreamHead(version: 0, position: 0) }
        return StreamHead(version: selectStreamHead.int(0), position: selectStreamHead.int(1))
    }

    private func storedKey(_ key: String) throws -> (StreamID, AppendResult)? {
        selectIdempotency.reset()
        selectIdempotency.bind(1, key)
        defer { selectIdempotency.reset() }
        guard try selectIdempotency.step() else { return nil }
        return (StreamID(selectIdempotency.text(0)), AppendResult(
            streamVersion: selectIdempotency.int(1), firstPosition: selectIdempotency.int(2), lastPosition: selectIdempotency.int(3),
            deduplicated: true))
    }
}
