import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// The application layer for hospital capacity: load the stream, `decide`, append with the expected version
/// (through `StreamCommandRunner`: cached states, per-hospital turns, idempotent retries, conflict retries).
public final class CapacityService: Sendable {
    public let store: any EventStore
    public let codec: LotseEventCodec
    private let runner: StreamCommandRunner<HospitalAggregate>

    public init(store: any EventStore) {
        self.store = store
        codec = .standard
        runner = StreamCommandRunner(store: store, aggregate: HospitalAggregate())
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

    /// Loads a hospital's current state.
    public func load(_ id: HospitalID) async throws -> HospitalState? {
        try await runner.load(id)
    }

    /// Executes a command for a hospital. A retry with the same idempotency key returns the first result and
    /// writes nothing; a concurrent change by another process is retried (decided again on the new state).
    public func execute(_ command: HospitalCommand, hospital id: HospitalID, by principal: Principal, at now: Timestamp,
                        idempotencyKey: String? = nil, correlationId: String? = nil) async throws -> Outcome {
        do {
            let o = try await runner.execute(
                command, id: id, context: CommandContext(now: now, principal: principal), idempotencyKey: idempotencyKey, correlationId: correlationId)
            return Outcome(events: o.events, position: o.position, streamVersion: o.streamVersion, deduplicated: o.deduplicated)
        } catch let e as HospitalError {
            throw Failure.refused(e)
        } catch let e as EventStoreError {
            throw Failure.store(e)
        }
    }

    /// Why a batch of bed reports was refused, before anything was written: the item and what is wrong with it.
    public enum BatchRefusal: Error, Equatable, Sendable {
        /// The same hospital twice in one batch.
        case duplicate(index: Int, HospitalID)
        /// The command of this item would be refused (unknown hospital, invalid counts).
        case refused(index: Int, HospitalError)
    }

    /// Bed counts of several hospitals: every item is checked (each hospital once, known, counts valid) before any
    /// is written; then each is appended. A retry key applies per item as `<key>/<hospitalId>`.
    public func reportBeds(_ reports: [(hospital: HospitalID, beds: [BedCategory: BedCount])], by principal: Principal, at now: Timestamp,
                           idempotencyKey: String? = nil, correlationId: String? = nil) async throws -> [Outcome] {
        var seen = Set<HospitalID>()
        for (i, item) in reports.enumerated() {
            guard seen.insert(item.hospital).inserted else { throw BatchRefusal.duplicate(index: i, item.hospital) }
            do {
                _ = try HospitalAggregate.decide(.reportBeds(item.beds), state: try await load(item.hospital), now: now)
            } catch let e as HospitalError {
                throw BatchRefusal.refused(index: i, e)
            }
        }
        var outcomes: [Outcome] = []
        for item in reports {
            outcomes.append(try await execute(
                .reportBeds(item.beds), hospital: item.hospital, by: principal, at: now,
                idempotencyKey: idempotencyKey.map { "\($0)/\(item.hospital)" }, correlationId: correlationId))
        }
        return outcomes
    }

    /// Emits `ResourceClosureExpired` for every closure whose `until` has passed (the timer's job).
    /// Returns the number of expiries written.
    @discardableResult
    public func expireDueClosures(in index: CapacityIndex, at now: Timestamp) async throws -> Int {
        var n = 0
        for h in index.hospitals {
            for key in HospitalAggregate.dueExpiries(h, now: now) {
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
