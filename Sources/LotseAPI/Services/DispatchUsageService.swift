import Foundation
import Logging
import LotseApplication
import LotseDomain
import LotseEventStore
import ServiceLifecycle
import Synchronization

/// Counts the dispatch questions this node answers, per UTC hour (a read is never written one by one).
public final class DispatchUsageCounter: Sendable {
    private let hours = Mutex<[Int64: Int]>([:])
    /// Counts taken for writing whose write failed, with the key they were written under: tried again with the same
    /// key, so a write that did commit (its answer lost) is not counted twice.
    private let unwritten = Mutex<[Pending]>([])

    struct Pending: Sendable {
        let hourStart: Timestamp
        let queries: Int
        let key: String
    }

    public init() {}

    /// One answered question at `t`.
    public func count(at t: Timestamp) {
        let h = DispatchQueriesCounted.hour(of: t).millis
        hours.withLock { $0[h, default: 0] += 1 }
    }

    /// What to write now: the counts that failed before (with their keys), then those of the hours that began before
    /// `before` (all when nil), oldest first, each with a new key.
    func take(before: Timestamp?, node: String) -> [Pending] {
        let retry = unwritten.withLock { u in defer { u = [] }; return u }
        let fresh = hours.withLock { hours in
            let due = hours.keys.filter { h in before.map { h < $0.millis } ?? true }.sorted()
            return due.map { h in Pending(hourStart: Timestamp(millis: h), queries: hours.removeValue(forKey: h)!,
                                          key: "dispatch-usage:\(node):\(h):\(UUID().lowercasedString)") }
        }
        return retry + fresh
    }

    /// Keeps counts whose write failed, to be written again under the same keys.
    func keep(_ pending: some Collection<Pending>) {
        unwritten.withLock { $0.append(contentsOf: pending) }
    }
}

/// The counts as records on stream `usage-dispatch` (no state decides anything: each count is written as it is).
struct DispatchUsageAggregate: Aggregate {
    enum Command: Sendable {
        case record(hourStart: Timestamp, queries: Int, node: String)
    }

    var initialState: Int { 0 }
    var decidesOnState: Bool { false }
    var eventTypes: [EventType] { [EventType(DispatchQueriesCounted.self)] }
    func stream(for _: Void) -> StreamID { StreamID(DispatchQueriesCounted.stream) }
    func name(of _: Command) -> String { "RecordDispatchQueries" }

    func decide(_ command: Command, state _: Int, context: CommandContext) -> [DispatchQueriesCounted] {
        switch command {
        case let .record(hourStart, queries, node):
            queries > 0 ? [DispatchQueriesCounted(hourStart: hourStart, queries: queries, node: node, occurredAt: context.now)] : []
        }
    }

    func evolve(_ state: Int, _: DispatchQueriesCounted) -> Int { state + 1 }
}

/// Writes this node's dispatch counts to the log when an hour is over, and what it has at shutdown.
public struct DispatchUsageService: Service {
    let counter: DispatchUsageCounter
    let runner: StreamCommandRunner<DispatchUsageAggregate>
    let node: String
    let now: @Sendable () -> Timestamp
    let logger: Logger
    var interval: Duration = .seconds(30)

    public init(counter: DispatchUsageCounter, store: any EventStore, node: String, now: @escaping @Sendable () -> Timestamp, logger: Logger,
         interval: Duration = .seconds(30)) {
        self.counter = counter
        runner = StreamCommandRunner(store: store, aggregate: DispatchUsageAggregate())
        self.node = node
        self.now = now
        self.logger = logger
        self.interval = interval
    }

    /// Writes the counts of the hours before the current one (all, with `all`).
    public func flush(all: Bool) async {
        let t = now()
        let due = counter.take(before: all ? nil : DispatchQueriesCounted.hour(of: t), node: node)
        for (i, c) in due.enumerated() {
            do {
                _ = try await runner.execute(.record(hourStart: c.hourStart, queries: c.queries, node: node), id: (),
                                             context: CommandContext(now: t, principal: .system), idempotencyKey: c.key)
            } catch {
                counter.keep(due[i...])
                logger.warning("dispatch counts not written", metadata: ["lotse.error": "\(error)"])
                return
            }
        }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await flush(all: false)
            }
        }
        // Shutting down: what this node counted is written, not lost.
        await flush(all: true)
    }
}
