import Synchronization

/// The in-memory twin of the event store: same contract, no durability. For tests and the simulator.
public final class InMemoryEventStore: EventStore {
    private struct State {
        var events: [RecordedEvent] = []
        var streamVersions: [StreamID: Int64] = [:]
        var streamPositions: [StreamID: [Int]] = [:]
        var idempotency: [String: (StreamID, AppendResult)] = [:]
    }

    private let state = Mutex(State())
    private let signal = HeadSignal()

    public init() {}

    public func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        let result: AppendResult = try state.withLock { s in
            if let key = idempotencyKey, let (firstStream, first) = s.idempotency[key] {
                guard firstStream == stream else { throw EventStoreError.idempotencyKeyReused(key: key) }
                return first.asDeduplicated()
            }
            let current = s.streamVersions[stream] ?? 0
            try ExpectedVersion.check(expectedVersion, actual: current, stream: stream)
            let head = Int64(s.events.count)
            for (i, e) in events.enumerated() {
                s.events.append(RecordedEvent(
                    position: head + Int64(i) + 1, stream: stream, streamVersion: current + Int64(i) + 1,
                    type: e.type, schemaVersion: e.schemaVersion, payload: e.payload, metadata: e.metadata))
                s.streamPositions[stream, default: []].append(s.events.count - 1)
            }
            s.streamVersions[stream] = current + Int64(events.count)
            let r = AppendResult(
                streamVersion: current + Int64(events.count), firstPosition: events.isEmpty ? head : head + 1,
                lastPosition: head + Int64(events.count), deduplicated: false)
            if let key = idempotencyKey { s.idempotency[key] = (stream, r) }
            return r
        }
        signal.advance(to: result.lastPosition)
        return result
    }

    public func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        state.withLock { s in
            let from = Int(max(0, position))
            guard from < s.events.count else { return [] }
            return Array(s.events[from..<min(s.events.count, from + limit)])
        }
    }

    public func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] {
        // Versions are 1…n in order, so the tail after `version` starts at index `version`: O(tail), not O(stream).
        state.withLock { s in
            let positions = s.streamPositions[stream] ?? []
            let from = Int(max(0, min(version, Int64(positions.count))))
            return positions[from...].map { s.events[$0] }
        }
    }

    public func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? {
        state.withLock { $0.idempotency[key] }
    }

    public func head() async throws -> Int64 { state.withLock { Int64($0.events.count) } }

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
