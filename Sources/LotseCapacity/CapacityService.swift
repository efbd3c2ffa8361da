import Foundation
import LotseDomain
import LotseEventStore
import Synchronization

/// The application layer for hospital capacity: load the stream, `decide`, append with the expected version.
///
/// Loaded states are cached per hospital; a load reads only the events after the cached version, so a command
/// costs one indexed read however long the hospital's history is. The cache is never trusted blindly: every
/// append carries the expected version, and a conflict reloads and decides again.
public final class CapacityService: Sendable {
    public let store: any EventStore
    public let codec: HospitalEventCodec
    private let cache = Mutex<[HospitalID: HospitalState]>([:])
    /// Serialises commands per hospital inside this process, so concurrent commands for one hospital queue
    /// instead of failing each other's expected version; other processes are still caught by that check.
    private let turns = KeyedTurns<HospitalID>()

    public init(store: any EventStore, codec: HospitalEventCodec = HospitalEventCodec()) {
        self.store = store
        self.codec = codec
    }

    /// What a command did.
    public struct Outcome: Sendable, Equatable {
        /// The events written (empty for a no-op, or for a retried command: see `deduplicated`).
        public let events: [HospitalEvent]
        /// The log position the command committed (what a reader waits for); the head for a no-op.
        public let position: Int64
        public let streamVersion: Int64
        /// True when an earlier command with the same idempotency key answered.
        public let deduplicated: Bool
    }

    /// Why a command failed: refused by the domain, or by the store.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case refused(HospitalError)
        case store(EventStoreError)

        public var description: String {
            switch self {
            case let .refused(e): e.description
            case let .store(e): e.description
            }
        }
    }

    /// Loads a hospital's current state: the cached state plus whatever its stream has after it.
    public func load(_ id: HospitalID) async throws -> HospitalState? {
        var state = cache.withLock { $0[id] }
        let newer = try await store.readStream(HospitalEventCodec.stream(for: id), after: state?.version ?? 0)
        guard !newer.isEmpty else { return state }
        for r in newer {
            if let e = try codec.decode(r) { state = Hospital.evolve(state, e) }
        }
        remember(state)
        return state
    }

    private func remember(_ state: HospitalState?) {
        guard let state else { return }
        cache.withLock { c in
            if (c[state.id]?.version ?? 0) < state.version { c[state.id] = state }
        }
    }

    /// Executes a command for a hospital. A retry with the same idempotency key returns the first result and
    /// writes nothing; a concurrent change by another process is retried (decided again on the new state) up to five times.
    public func execute(_ command: HospitalCommand, hospital id: HospitalID, by principal: Principal, at now: Timestamp,
                        idempotencyKey: String? = nil, correlationId: String? = nil) async throws -> Outcome {
        let stream = HospitalEventCodec.stream(for: id)
        if let key = idempotencyKey, let (firstStream, first) = try await store.idempotentResult(for: key) {
            guard firstStream == stream else { throw Failure.store(.idempotencyKeyReused(key: key)) }
            return try await replayed(first, stream: stream)
        }
        return try await turns.withTurn(id) {
            try await decideAndAppend(command, id: id, stream: stream, by: principal, at: now, idempotencyKey: idempotencyKey, correlationId: correlationId)
        }
    }

    private func decideAndAppend(_ command: HospitalCommand, id: HospitalID, stream: StreamID, by principal: Principal, at now: Timestamp,
                                 idempotencyKey: String?, correlationId: String?) async throws -> Outcome {
        let metadata = EventMetadata(
            principal: principal, correlationId: correlationId ?? UUID().uuidString.lowercased(),
            idempotencyKey: idempotencyKey, command: command.name)
        var attempt = 0
        while true {
            attempt += 1
            let state = try await load(id)
            let events: [HospitalEvent]
            do { events = try Hospital.decide(command, state: state, now: now) } catch { throw Failure.refused(error) }
            if events.isEmpty {
                return Outcome(events: [], position: try await store.head(), streamVersion: state?.version ?? 0, deduplicated: false)
            }
            let data = try events.map { try codec.encode($0, metadata: metadata) }
            do {
                let r = try await store.append(
                    data, to: stream, expectedVersion: state.map { .exact($0.version) } ?? .noStream, idempotencyKey: idempotencyKey)
                if r.deduplicated { return try await replayed(r, stream: stream) }
                remember(events.reduce(state) { Hospital.evolve($0, $1) })
                return Outcome(events: events, position: r.lastPosition, streamVersion: r.streamVersion, deduplicated: false)
            } catch let e as EventStoreError {
                if case .wrongExpectedVersion = e, attempt < 5 { continue }
                throw Failure.store(e)
            }
        }
    }

    /// The first result of an idempotent command, with the events it wrote.
    private func replayed(_ first: AppendResult, stream: StreamID) async throws -> Outcome {
        let firstVersion = first.streamVersion - (first.lastPosition - first.firstPosition + 1)
        let events = try await store.readStream(stream, after: firstVersion)
            .filter { $0.position >= first.firstPosition && $0.position <= first.lastPosition }
            .compactMap { try codec.decode($0) }
        return Outcome(events: events, position: first.lastPosition, streamVersion: first.streamVersion, deduplicated: true)
    }

    /// Emits `ResourceClosureExpired` for every closure whose `until` has passed (the timer's job).
    /// Returns the number of expiries written.
    @discardableResult
    public func expireDueClosures(in index: CapacityIndex, at now: Timestamp) async throws -> Int {
        var n = 0
        for h in index.hospitals {
            for key in Hospital.dueExpiries(h, now: now) {
                let outcome = try await execute(
                    .expireClosure(key), hospital: h.id, by: .system, at: now,
                    idempotencyKey: "expire:\(h.id):\(key.rawValue):\(closureUntil(h, key)?.millis ?? 0)")
                n += outcome.deduplicated ? 0 : outcome.events.count
            }
        }
        return n
    }

    private func closureUntil(_ h: HospitalState, _ k: ResourceKey) -> Timestamp? {
        if case let .closed(_, until, _) = h.condition(k) { return until }
        return nil
    }
}
