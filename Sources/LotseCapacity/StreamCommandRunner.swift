import Foundation
import LotseEventStore
import Synchronization

/// Runs commands against one kind of event-sourced aggregate, one stream per instance: idempotency look-up,
/// one turn at a time per stream in this process, load (cached state + the stream's newer events), decide,
/// append with the expected version, and a fresh decision when another process wrote first.
final class StreamCommandRunner<State: Sendable, Event: Sendable>: Sendable {
    let store: any EventStore
    private let decodeEvent: @Sendable (RecordedEvent) throws -> Event?
    private let evolve: @Sendable (State?, Event) -> State?
    private let version: @Sendable (State) -> Int64
    private let cache = Mutex<[StreamID: State]>([:])
    private let turns = KeyedTurns<StreamID>()

    /// What a command did.
    struct Outcome: Sendable {
        let events: [Event]
        let position: Int64
        let streamVersion: Int64
        let deduplicated: Bool
    }

    init(store: any EventStore, decode: @escaping @Sendable (RecordedEvent) throws -> Event?,
         evolve: @escaping @Sendable (State?, Event) -> State?, version: @escaping @Sendable (State) -> Int64) {
        self.store = store
        decodeEvent = decode
        self.evolve = evolve
        self.version = version
    }

    /// The current state of a stream: the cached state plus whatever the stream has after it.
    func load(_ stream: StreamID) async throws -> State? {
        var state = cache.withLock { $0[stream] }
        let newer = try await store.readStream(stream, after: state.map(version) ?? 0)
        guard !newer.isEmpty else { return state }
        for r in newer {
            if let e = try decodeEvent(r) { state = evolve(state, e) }
        }
        remember(state, stream)
        return state
    }

    private func remember(_ state: State?, _ stream: StreamID) {
        guard let state else { return }
        cache.withLock { c in
            if (c[stream].map(version) ?? 0) < version(state) { c[stream] = state }
        }
    }

    /// Executes a command. A retry with the same idempotency key returns the first result and writes nothing;
    /// `decide` errors pass through unchanged; store errors are `EventStoreError`.
    func execute(stream: StreamID, idempotencyKey: String?, decide: @Sendable (State?) throws -> [Event],
                 encode: @Sendable (Event) throws -> EventData) async throws -> Outcome {
        if let key = idempotencyKey, let (firstStream, first) = try await store.idempotentResult(for: key) {
            guard firstStream == stream else { throw EventStoreError.idempotencyKeyReused(key: key) }
            return try await replayed(first, stream: stream)
        }
        return try await turns.withTurn(stream) {
            var attempt = 0
            while true {
                attempt += 1
                let state = try await load(stream)
                let events = try decide(state)
                let current = state.map(version) ?? 0
                if events.isEmpty {
                    return Outcome(events: [], position: try await store.head(), streamVersion: current, deduplicated: false)
                }
                let data = try events.map(encode)
                do {
                    let r = try await store.append(
                        data, to: stream, expectedVersion: state == nil ? .noStream : .exact(current), idempotencyKey: idempotencyKey)
                    if r.deduplicated { return try await replayed(r, stream: stream) }
                    remember(events.reduce(state) { evolve($0, $1) }, stream)
                    return Outcome(events: events, position: r.lastPosition, streamVersion: r.streamVersion, deduplicated: false)
                } catch let e as EventStoreError {
                    if case .wrongExpectedVersion = e, attempt < 5 { continue }
                    throw e
                }
            }
        }
    }

    /// The first result of an idempotent command, with the events it wrote.
    private func replayed(_ first: AppendResult, stream: StreamID) async throws -> Outcome {
        let firstVersion = first.streamVersion - (first.lastPosition - first.firstPosition + 1)
        let events = try await store.readStream(stream, after: firstVersion)
            .filter { $0.position >= first.firstPosition && $0.position <= first.lastPosition }
            .compactMap { try decodeEvent($0) }
        return Outcome(events: events, position: first.lastPosition, streamVersion: first.streamVersion, deduplicated: true)
    }
}
