import Foundation
import Synchronization

/// The in-memory twin of the event store: same contract, no durability. For tests and the simulator.
public final class InMemoryEventStore: ChainedEventStore {
    private struct State {
        var events: [RecordedEvent] = []
        var streamVersions: [StreamID: Int64] = [:]
        var streamPositions: [StreamID: [Int]] = [:]
        var idempotency: [String: (StreamID, AppendResult)] = [:]
        var hashes: [Data] = []
    }

    private let state = Mutex(State())
    private let signal = HeadSignal()

    public init() {}

    public func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        let request = AppendRequest(stream: stream, events: events, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey)
        let result: AppendResult = try state.withLock { s in
            let stored = idempotencyKey.flatMap { k in s.idempotency[k].map { [k: $0] } } ?? [:]
            let plan = AppendPlan(
                [request], head: Int64(s.events.count), versions: [stream: s.streamVersions[stream] ?? 0], storedKeys: stored,
                previousHash: s.hashes.last ?? EventChain.genesis)
            let r = try plan.results[0].get()
            s.hashes.append(contentsOf: plan.hashes)
            for e in plan.events {
                s.events.append(e)
                s.streamPositions[stream, default: []].append(s.events.count - 1)
            }
            s.streamVersions.merge(plan.versions) { $1 }
            for k in plan.keys { s.idempotency[k.key] = (k.stream, k.result) }
            return r
        }
        signal.advance(to: result.lastPosition)
        return result
    }

    public func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        state.withLock { s in
            let from = Int(max(0, position))
            guard from < s.events.count else { return [] }
            return Array(s.events[from..<(from + min(s.events.count - from, max(0, limit)))])  // no `from + limit`: it overflows for `.max`
        }
    }

    public func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] {
        try await readStream(stream, after: version, limit: .max)
    }

    public func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        // Versions are 1…n in order, so the tail after `version` starts at index `version`: O(page), not O(stream).
        state.withLock { s in
            let positions = s.streamPositions[stream] ?? []
            let from = Int(max(0, min(version, Int64(positions.count))))
            return positions[from...].prefix(max(0, limit)).map { s.events[$0] }
        }
    }

    public func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? {
        state.withLock { $0.idempotency[key] }
    }

    public func head() async throws -> Int64 { state.withLock { Int64($0.events.count) } }

    public func readChained(after position: Int64, limit: Int) async throws -> [ChainedEvent] {
        state.withLock { s in
            let from = Int(max(0, position))
            guard from < s.events.count else { return [] }
            return (from..<min(s.events.count, from + limit)).map { ChainedEvent(event: s.events[$0], hash: s.hashes[$0]) }
        }
    }

    public func chainAnchor() async throws -> ChainAnchor { .fromGenesis }

    public func subscribe(after position: Int64) -> EventSubscription {
        EventSubscription(after: position, pollInterval: nil, signal: signal) { [self] after, limit in
            try await self.read(after: after, limit: limit)
        }
    }
}

extension ExpectedVersion {
    /// Throws `wrongExpectedVersion` unless `actual` satisfies the expectation.
    public static func check(_ expected: ExpectedVersion, actual: Int64, stream: StreamID) throws {
        switch expected {
        case .any: return
        case .noStream where actual == 0: return
        case let .exact(v) where v == actual: return
        default: throw EventStoreError.wrongExpectedVersion(stream: stream, expected: expected, actual: actual)
        }
    }
}
