import Foundation
import LotseDomain
import LotseEventStore
import Synchronization

/// The one command loop of Lotse. Runs the commands of one aggregate type, one stream per instance: idempotency
/// look-up, one turn at a time per stream in this process, the cached state (or the stream read), decide, append with
/// the expected version, and a fresh decision on the stream read anew when another process or node wrote first.
///
/// Its methods are `@inlinable`: the runner is generic over the aggregate and lives in another module than its
/// callers; inlined, the compiler specialises it for each aggregate (unspecialised, every state copy went through
/// the runtime — measurably slower on the hot command path).
public final class StreamCommandRunner<A: Aggregate>: Sendable {
    public let store: any EventStore
    public let aggregate: A
    @usableFromInline let cache = Mutex<[StreamID: Loaded]>([:])
    @usableFromInline let turns = KeyedTurns<StreamID>()

    /// A state and the stream version it was folded to.
    @usableFromInline
    struct Loaded: Sendable {
        @usableFromInline let state: A.State
        @usableFromInline let version: Int64

        @inlinable
        init(state: A.State, version: Int64) {
            self.state = state
            self.version = version
        }
    }

    /// What a command did.
    public struct Outcome: Sendable {
        /// The events written (empty for a no-op); for a retried command those of the first time.
        public let events: [A.Event]
        /// The state after the command.
        public let state: A.State
        /// The log position the command committed (what a reader waits for); the head for a no-op.
        public let position: Int64
        public let streamVersion: Int64
        /// True when an earlier command with the same idempotency key answered.
        public let deduplicated: Bool

        @inlinable
        init(events: [A.Event], state: A.State, position: Int64, streamVersion: Int64, deduplicated: Bool) {
            self.events = events
            self.state = state
            self.position = position
            self.streamVersion = streamVersion
            self.deduplicated = deduplicated
        }
    }

    public init(store: any EventStore, aggregate: A) {
        self.store = store
        self.aggregate = aggregate
    }

    /// The current state of an instance: the cached state plus whatever its stream has after it.
    @inlinable
    public func load(_ id: A.ID) async throws -> A.State {
        try await load(stream: aggregate.stream(for: id)).state
    }

    /// A page of an instance's stream: at most `limit` records after `version`, each with its event (nil for a type of
    /// another aggregate). For long record streams read in pages (the audit trails).
    @inlinable
    public func page(_ id: A.ID, after version: Int64, limit: Int) async throws -> [(record: RecordedEvent, event: A.Event?)] {
        try await store.readStream(aggregate.stream(for: id), after: version, limit: limit).map { ($0, try aggregate.decode($0)) }
    }

    /// The current state with the stream version it was folded to.
    @inlinable
    public func loadVersioned(_ id: A.ID) async throws -> (state: A.State, version: Int64) {
        let l = try await load(stream: aggregate.stream(for: id))
        return (l.state, l.version)
    }

    @inlinable
    func load(stream: StreamID) async throws -> Loaded {
        let cached = cache.withLock { $0[stream] } ?? Loaded(state: aggregate.initialState, version: 0)
        let newer = try await store.readStream(stream, after: cached.version)
        guard !newer.isEmpty else { return cached }
        var state = cached.state
        for r in newer {
            if let e = try aggregate.decode(r) { state = aggregate.evolve(state, e) }
        }
        let loaded = Loaded(state: state, version: newer[newer.count - 1].streamVersion)
        remember(loaded, stream)
        return loaded
    }

    /// The state after a command's appended events, cached. Applied in place where the cache held the state the
    /// command was decided on: the cache lets go of it first, so the state has one holder and `apply` changes it without
    /// copying (a large state — the Telenotarzt's year of cases — would otherwise be copied per command). Under the
    /// cache's lock, so a reader never finds the stream missing from the cache.
    @inlinable
    func advance(_ current: inout Loaded, by events: [A.Event], to version: Int64, stream: StreamID) -> A.State {
        let folded: A.State? = cache.withLock { c in
            if let cached = c[stream], cached.version >= version {
                // A reader folded the stream this far already: the cache stays. The outcome is the state right after
                // these events (a reader may have folded later events of another node too).
                guard cached.version == version else { return events.reduce(current.state) { aggregate.evolve($0, $1) } }
                current = cached
                return nil
            }
            var state = current.state
            if c[stream]?.version == current.version { c[stream] = nil }
            current = Loaded(state: aggregate.initialState, version: 0)
            for e in events { aggregate.apply(&state, e) }
            current = Loaded(state: state, version: version)
            c[stream] = current
            return nil
        }
        return folded ?? current.state
    }

    /// The cached state of an instance, if this process has folded or changed it (no store read).
    @inlinable
    public func cached(_ id: A.ID) -> (state: A.State, version: Int64)? {
        cache.withLock { $0[aggregate.stream(for: id)] }.map { ($0.state, $0.version) }
    }

    @inlinable
    func remember(_ loaded: Loaded, _ stream: StreamID) {
        cache.withLock { c in
            if (c[stream]?.version ?? 0) < loaded.version { c[stream] = loaded }
        }
    }

    /// Executes a command decided at `context.now`. A retry with the same idempotency key returns the first result
    /// and writes nothing; refusals of `decide` pass through unchanged (typed as the aggregate's `Failure`); store
    /// errors are `EventStoreError`.
    @inlinable
    public func execute(_ command: A.Command, id: A.ID, context: CommandContext, idempotencyKey: String? = nil,
                        correlationId: String? = nil) async throws -> Outcome {
        let now = context.now
        return try await execute(command, id: id, by: context.principal, at: { now }, idempotencyKey: idempotencyKey, correlationId: correlationId)
    }

    /// Executes a command decided at the time `now()` reads when its turn comes (and again on every retry): for
    /// aggregates whose decisions set deadlines from the time (the Telenotarzt's offers).
    @inlinable
    public func execute(_ command: A.Command, id: A.ID, by principal: Principal, at now: () -> Timestamp, idempotencyKey: String? = nil,
                        correlationId: String? = nil) async throws -> Outcome {
        let stream = aggregate.stream(for: id)
        if let key = idempotencyKey, let (firstStream, first) = try await store.idempotentResult(for: key) {
            guard firstStream == stream else { throw EventStoreError.idempotencyKeyReused(key: key) }
            return try await replayed(first, stream: stream)
        }
        let metadata = EventMetadata(
            principal: principal, correlationId: correlationId ?? UUID().lowercasedString,
            idempotencyKey: idempotencyKey, command: aggregate.name(of: command))
        guard aggregate.decidesOnState else {
            return try await record(command, stream: stream, context: CommandContext(now: now(), principal: principal),
                                    metadata: metadata, idempotencyKey: idempotencyKey)
        }
        return try await turns.withTurn(stream) {
            // Optimistic: a state this process cached is decided on without reading the stream — the expected version
            // proves it current when the append succeeds (another node or process that wrote since makes it a
            // conflict: read, decide again). A refusal or a no-op is only ever answered on a state read just now.
            var current: Loaded
            var verified: Bool
            if let cached = cache.withLock({ $0[stream] }) {
                (current, verified) = (cached, false)
            } else {
                (current, verified) = (try await load(stream: stream), true)
            }
            var conflicts = 0
            while true {
                let events: [A.Event]
                do {
                    events = try aggregate.decide(command, state: current.state, context: CommandContext(now: now(), principal: principal))
                } catch where !verified {
                    (current, verified) = (try await load(stream: stream), true)
                    continue
                }
                if events.isEmpty {
                    if !verified {
                        (current, verified) = (try await load(stream: stream), true)
                        continue
                    }
                    return Outcome(events: [], state: current.state, position: try await store.head(), streamVersion: current.version, deduplicated: false)
                }
                let data = try events.map { try aggregate.encode($0, metadata: metadata) }
                do {
                    let r = try await store.append(
                        data, to: stream, expectedVersion: current.version == 0 ? .noStream : .exact(current.version),
                        idempotencyKey: idempotencyKey)
                    if r.deduplicated { return try await replayed(r, stream: stream) }
                    let after = advance(&current, by: events, to: r.streamVersion, stream: stream)
                    return Outcome(events: events, state: after, position: r.lastPosition, streamVersion: r.streamVersion, deduplicated: false)
                } catch EventStoreError.wrongExpectedVersion where conflicts < 5 {
                    conflicts += 1
                    (current, verified) = (try await load(stream: stream), true)
                }
            }
        }
    }

    /// A record that does not depend on the state: appended without a turn or an expected version.
    @inlinable
    func record(_ command: A.Command, stream: StreamID, context: CommandContext, metadata: EventMetadata,
                        idempotencyKey: String?) async throws -> Outcome {
        let state = cache.withLock { $0[stream] }?.state ?? aggregate.initialState
        let events = try aggregate.decide(command, state: state, context: context)
        guard !events.isEmpty else { return Outcome(events: [], state: state, position: try await store.head(), streamVersion: 0, deduplicated: false) }
        let r = try await store.append(try events.map { try aggregate.encode($0, metadata: metadata) }, to: stream, expectedVersion: .any,
                                       idempotencyKey: idempotencyKey)
        if r.deduplicated { return try await replayed(r, stream: stream) }
        return Outcome(events: events, state: events.reduce(state) { aggregate.evolve($0, $1) }, position: r.lastPosition,
                       streamVersion: r.streamVersion, deduplicated: false)
    }

    /// The first result of an idempotent command, with the events it wrote.
    @inlinable
    func replayed(_ first: AppendResult, stream: StreamID) async throws -> Outcome {
        let firstVersion = first.streamVersion - (first.lastPosition - first.firstPosition + 1)
        let events = try await store.readStream(stream, after: firstVersion)
            .filter { $0.position >= first.firstPosition && $0.position <= first.lastPosition }
            .compactMap { try aggregate.decode($0) }
        let now = try await load(stream: stream)
        return Outcome(events: events, state: now.state, position: first.lastPosition, streamVersion: first.streamVersion, deduplicated: true)
    }
}
