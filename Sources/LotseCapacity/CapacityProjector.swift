import Foundation
import LotseDomain
import LotseEventStore
import Synchronization

/// Keeps the capacity index in memory: rebuilt from the log (or a snapshot plus the log after it) on start,
/// then fed by the store's subscription.
public final class CapacityProjector: Sendable {
    public let store: any EventStore
    public let codec: LotseEventCodec
    private let index = Mutex(CapacityIndex())
    private let applied = HeadSignal()
    /// Sees every event the projection applies, in the same step (before `waitUntil` returns for its position):
    /// what a node keeps beside the index in step with it (the token revocation list).
    private let observer: (@Sendable (RecordedEvent) -> Void)?
    public static let snapshotName = "capacity-index"

    public init(store: any EventStore, codec: LotseEventCodec = LotseEventCodec(), observer: (@Sendable (RecordedEvent) -> Void)? = nil) {
        self.store = store
        self.codec = codec
        self.observer = observer
    }

    /// Reads the current index.
    public func withIndex<T>(_ body: (borrowing CapacityIndex) throws -> T) rethrows -> T {
        try index.withLock { try body($0) }
    }

    public var snapshot: CapacityIndex { index.withLock { $0 } }
    public var position: Int64 { index.withLock { $0.position } }

    /// What a rebuild did.
    public struct RebuildStats: Sendable {
        public let fromSnapshotPosition: Int64?
        public let eventsRead: Int
        public let position: Int64
        public let hospitals: Int
        public let seconds: Double
    }

    /// Rebuilds the index from `snapshots` (when given and present) and the log after it.
    public func rebuild(snapshots: (any SnapshotStore)? = nil) async throws -> RebuildStats {
        let clock = ContinuousClock()
        let start = clock.now
        var fresh = CapacityIndex()
        var from: Int64? = nil
        if let snapshots, let s = try await snapshots.load(name: Self.snapshotName),
           let decoded = try? JSONDecoder().decode(CapacityIndex.self, from: s.data) {
            fresh = decoded
            from = s.position
        }
        // Decoding is the cost of a rebuild (the fast decoder handles the frequent events). Decoding pages on
        // both cores was measured slower here (allocator contention), so it stays sequential.
        let read = try await fresh.catchUp(from: store, codec: codec)
        let final = fresh
        index.withLock { $0 = final }
        applied.advance(to: final.position)
        let d = clock.now - start
        return RebuildStats(
            fromSnapshotPosition: from, eventsRead: read, position: final.position, hospitals: final.hospitals.count,
            seconds: d / .seconds(1))
    }

    /// The index as it was at `asOf` (time travel): every event that had occurred by then, in log order. Reads the
    /// log from the start (no snapshot can stand for the past); the cost grows with the log.
    public func index(asOf: Timestamp) async throws -> CapacityIndex {
        var index = CapacityIndex()
        try await index.catchUp(from: store, codec: codec) { $0.occurredAt <= asOf }
        return index
    }

    /// Writes the current index as a snapshot.
    public func saveSnapshot(to snapshots: any SnapshotStore) async throws {
        let current = snapshot
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try await snapshots.save(Snapshot(name: Self.snapshotName, position: current.position, data: try enc.encode(current)))
    }

    /// Applies new events as they are committed, until the task is cancelled.
    public func run() async throws {
        for try await r in store.subscribe(after: position) {
            let event = try codec.decodeAny(r)
            index.withLock { $0.apply(event, at: r.position) }
            observer?(r)
            applied.advance(to: r.position)
        }
    }

    /// Returns once the index has applied `position` (read-your-writes), or when `timeout` passed.
    /// - Returns: whether the position was reached.
    @discardableResult
    public func waitUntil(position target: Int64, timeout: Duration = .seconds(5)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while self.position < target {
            let left = deadline - clock.now
            if left <= .zero { return false }
            await applied.wait(beyond: self.position, timeout: left)
        }
        return true
    }
}
