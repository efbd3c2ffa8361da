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
    private var thread: Thread?
    /// Stream versions as of `knownHead` (writer thread only). Valid while nobody else writes the file: a batch
    /// that finds another head than the one this writer left drops it (another process appended).
    private var versions: [StreamID: Int64] = [:]
    private var knownHead: Int64 = -1

    // Prepared once, used only on the writer thread.
    private let selectHead: Statement
    private let selectStreamVersion: Statement
    private let selectIdempotency: Statement
    private let insertEvent: Statement
    private let insertIdempotency: Statement

    /// Largest number of appends committed in one transaction (bounds the latency of the first in a batch).
    let maxBatch = 4096

    init(connection: SQLiteConnection, signal: HeadSignal) throws {
        self.connection = connection
        self.signal = signal
        selectHead = try connection.prepare("SELECT coalesce(max(position), 0) FROM events")
        selectStreamVersion = try connection.prepare("SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = ?")
        selectIdempotency = try connection.prepare(
            "SELECT stream_id, stream_version, first_position, last_position FROM idempotency WHERE key = ?")
        insertEvent = try connection.prepare(
            "INSERT INTO events(position, stream_id, stream_version, type, schema_version, payload, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)")
        insertIdempotency = try connection.prepare(
            "INSERT INTO idempotency(key, stream_id, stream_version, first_position, last_position) VALUES (?, ?, ?, ?, ?)")
        let t = Thread { [self] in run() }
        t.name = "lotse-sqlite-writer"
        thread = t
        t.start()
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
    private func transaction(_ batch: [Pending]) throws -> ([Result<AppendResult, any Error>], Int64) {
        var results: [Result<AppendResult, any Error>] = []
        results.reserveCapacity(batch.count)
        do {
            try connection.exec("BEGIN IMMEDIATE")
            selectHead.reset()
            _ = try selectHead.step()
            var head = selectHead.int(0)
            selectHead.reset()  // an unfinished statement would keep an old read snapshot open
            if head != knownHead { versions.removeAll(keepingCapacity: true) }
            let versionsBefore = versions
            var inBatch: [String: (StreamID, AppendResult)] = [:]
            for p in batch {
                do {
                    results.append(.success(try apply(p.request, head: &head, inBatch: &inBatch)))
                } catch let refused as EventStoreError where refused.isRefusal {
                    results.append(.failure(refused))
                }
            }
            do {
                try connection.exec("COMMIT")
            } catch {
                versions = versionsBefore
                throw error
            }
            knownHead = head
            return (results, head)
        } catch {
            try? connection.exec("ROLLBACK")
            knownHead = -1
            versions.removeAll(keepingCapacity: true)
            throw error
        }
    }

    private func finish(_ batch: [Pending], _ results: [Result<AppendResult, any Error>], head: Int64) {
        signal.advance(to: head)
        for (p, r) in zip(batch, results) { p.continuation.resume(with: r) }
    }

    private func apply(_ r: AppendRequest, head: inout Int64, inBatch: inout [String: (StreamID, AppendResult)]) throws -> AppendResult {
        if let key = r.idempotencyKey {
            if let (stream, first) = inBatch[key] {
                guard stream == r.stream else { throw EventStoreError.idempotencyKeyReused(key: key) }
                return first.asDeduplicated()
            }
            selectIdempotency.reset()
            selectIdempotency.bind(1, key)
            if try selectIdempotency.step() {
                let stream = selectIdempotency.text(0)
                let found = AppendResult(
                    streamVersion: selectIdempotency.int(1), firstPosition: selectIdempotency.int(2),
                    lastPosition: selectIdempotency.int(3), deduplicated: true)
                selectIdempotency.reset()
                guard stream == r.stream.rawValue else { throw EventStoreError.idempotencyKeyReused(key: key) }
                return found
            }
            selectIdempotency.reset()
        }
        let current: Int64
        if let v = versions[r.stream] {
            current = v
        } else {
            selectStreamVersion.reset()
            selectStreamVersion.bind(1, r.stream.rawValue)
            _ = try selectStreamVersion.step()
            current = selectStreamVersion.int(0)
            selectStreamVersion.reset()
        }
        try ExpectedVersion.check(r.expectedVersion, actual: current, stream: r.stream)
        let first = head + 1
        for (i, e) in r.events.enumerated() {
            insertEvent.reset()
            insertEvent.bind(1, head + 1)
            insertEvent.bind(2, r.stream.rawValue)
            insertEvent.bind(3, current + Int64(i) + 1)
            insertEvent.bind(4, e.type)
            insertEvent.bind(5, Int64(e.schemaVersion))
            insertEvent.bind(6, e.payload)
            insertEvent.bind(7, e.metadata)
            try insertEvent.step()
            head += 1
        }
        if !r.events.isEmpty { versions[r.stream] = current + Int64(r.events.count) }
        let result = AppendResult(
            streamVersion: current + Int64(r.events.count), firstPosition: r.events.isEmpty ? head : first,
            lastPosition: head, deduplicated: false)
        if let key = r.idempotencyKey {
            insertIdempotency.reset()
            insertIdempotency.bind(1, key)
            insertIdempotency.bind(2, r.stream.rawValue)
            insertIdempotency.bind(3, result.streamVersion)
            insertIdempotency.bind(4, result.firstPosition)
            insertIdempotency.bind(5, result.lastPosition)
            try insertIdempotency.step()
            inBatch[key] = (r.stream, result)
        }
        return result
    }
}

extension EventStoreError {
    /// A refusal is decided before anything is written; every other error may leave writes behind.
    var isRefusal: Bool {
        switch self {
        case .wrongExpectedVersion, .idempotencyKeyReused: true
        case .storage, .closed: false
        }
    }
}
