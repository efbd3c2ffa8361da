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
        var results: [Result<AppendResult, any Error>] = []
        results.reserveCapacity(batch.count)
        var head: Int64 = 0
        do {
            try connection.exec("BEGIN IMMEDIATE")
            selectHead.reset()
            _ = try selectHead.step()
            head = selectHead.int(0)
            selectHead.reset()  // an unfinished statement would keep an old read snapshot open
            var inBatch: [String: (StreamID, AppendResult)] = [:]
            for p in batch {
                let before = head
                do {
                    try connection.exec("SAVEPOINT a")
                    let r = try apply(p.request, head: &head, inBatch: &inBatch)
                    try connection.exec("RELEASE a")
                    results.append(.success(r))
                } catch {
                    try? connection.exec("ROLLBACK TO a")
                    try? connection.exec("RELEASE a")
                    head = before
                    results.append(.failure(error))
                }
            }
            try connection.exec("COMMIT")
        } catch {
            try? connection.exec("ROLLBACK")
            let failure = (error as? EventStoreError) ?? EventStoreError.storage("\(error)")
            for p in batch { p.continuation.resume(throwing: failure) }
            return
        }
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
        selectStreamVersion.reset()
        selectStreamVersion.bind(1, r.stream.rawValue)
        _ = try selectStreamVersion.step()
        let current = selectStreamVersion.int(0)
        selectStreamVersion.reset()
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
