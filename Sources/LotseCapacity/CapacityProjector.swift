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
    /// Checkpoints for time travel, fed beside the index (`index(asOf:)`).
    private let history: Mutex<CapacityHistory>
    private let applied = HeadSignal()
    /// Sees every event the projection applies, in the same step (before `waitUntil` returns for its position):
    /// what a node keeps beside the index in step with it (the token revocation list).
    private let observer: (@Sendable (RecordedEvent) -> Void)?
    /// The format a snapshot must have to be used: the index's layout, the event schema versions it was folded with,
    /// the requirement table's version (when the caller names one).
    public let snapshotFormat: SnapshotFormat
    public static let snapshotName = "capacity-index"

    /// - Parameters:
    ///   - historySpacing: events between two time-travel checkpoints (the budget may double it).
    ///   - historyBudgetBytes: what the checkpoints may hold in memory, estimated.
    public init(store: any EventStore, codec: LotseEventCodec = LotseEventCodec(), observer: (@Sendable (RecordedEvent) -> Void)? = nil,
                tableVersion: String? = nil, historySpacing: Int = 4096, historyBudgetBytes: Int = 32 << 20) {
        history = Mutex(CapacityHistory(spacing: historySpacing, budgetBytes: historyBudgetBytes))
        self.store = store
        self.codec = codec
        self.observer = observer
        snapshotFormat = SnapshotFormat.current(table: tableVersion)
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
        /// Why a stored snapshot was not used (another format): the index was rebuilt from the log instead.
        public var ignoredSnapshot: String? = nil
    }

    /// Rebuilds the index from `snapshots` (when given and present) and the log after it.
    public func rebuild(snapshots: (any SnapshotStore)? = nil) async throws -> RebuildStats {
        let clock = ContinuousClock()
        let start = clock.now
        var fresh = CapacityIndex()
        var from: Int64? = nil
        var ignored: String? = nil
        if let snapshots, let s = try await snapshots.load(name: Self.snapshotName) {
            switch snapshotFormat.decode(s.data) {
            case let .success(index):
                fresh = index
                from = s.position
            case let .failure(why):
                ignored = why.reason
            }
        }
        // Reading and decoding are the cost of a rebuild: `catchUp` reads and decodes pages ahead in child tasks
        // while it applies (both cores).
        var hist = history.withLock { CapacityHistory(start: fresh, spacing: $0.spacing, budgetBytes: $0.budgetBytes) }
        let read = try await fresh.catchUp(from: store, codec: codec, observe: { hist.observe($0, $1) })
        let final = fresh, finalHistory = hist
        index.withLock { $0 = final }
        history.withLock { $0 = finalHistory }
        applied.advance(to: final.position)
        let d = clock.now - start
        return RebuildStats(
            fromSnapshotPosition: from, eventsRead: read, position: final.position, hospitals: final.hospitals.count,
            seconds: d / .seconds(1), ignoredSnapshot: ignored)
    }

    /// The index as it was at `asOf` (time travel): every hospital and announcement event that had occurred by then,
    /// in log order. From the nearest checkpoint of the history and the stretches of the log after it that can hold
    /// such events (`CapacityHistory`); where the history does not reach back (a start from a snapshot, before
    /// `completeHistory` ran), from the whole log.
    public func index(asOf: Timestamp) async throws -> CapacityIndex {
        guard let plan = history.withLock({ $0.plan(asOf: asOf) }) else { return try await replayIndex(asOf: asOf) }
        var index = plan.start
        for s in plan.stretches {
            try await index.catchUp(from: store, codec: codec, after: s.after, through: s.through, include: { $0.occurredAt <= asOf })
        }
        index.positionAtLastEvent()
        return index
    }

    /// The index as it was at `asOf`, folded from the whole log (the definition `index(asOf:)` must agree with).
    public func replayIndex(asOf: Timestamp) async throws -> CapacityIndex {
        var index = CapacityIndex()
        try await index.catchUp(from: store, codec: codec, include: { $0.occurredAt <= asOf })
        return index
    }

    /// After a start from a snapshot: reads the log before it once, so time travel to any moment needs no whole-log
    /// replay (run in the background; until it finishes, moments before the snapshot are replayed from the log).
    public func completeHistory() async throws {
        let (start, spacing, budget) = history.withLock { h in (h.checkpoints[0].index.position, h.spacing, h.budgetBytes) }
        guard start > 0 else { return }
        var earlier = CapacityHistory(spacing: spacing, budgetBytes: budget)
        var fold = CapacityIndex()
        try await fold.catchUp(from: store, codec: codec, through: start, observe: { earlier.observe($0, $1) })
        let filled = earlier
        history.withLock { $0.prepend(filled) }
    }

    /// The time-travel checkpoints: how many, from which position, the current spacing.
    public var historySummary: (checkpoints: Int, from: Int64, spacing: Int) {
        history.withLock { ($0.checkpoints.count, $0.checkpoints[0].index.position, $0.spacing) }
    }

    /// Writes the current index as a snapshot.
    public func saveSnapshot(to snapshots: any SnapshotStore) async throws {
        let current = snapshot
        try await snapshots.save(Snapshot(name: Self.snapshotName, position: current.position, data: try snapshotFormat.encode(current)))
    }

    /// Applies new events as they are committed, until the task is cancelled.
    public func run() async throws {
        for try await r in store.subscribe(after: position) {
            let event = try codec.decodeAny(r)
            index.withLock { i in
                i.apply(event, at: r.position)
                history.withLock { $0.observe(event, i) }
            }
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

/// What a snapshot of the capacity index was made with; one made with anything else is not used (the index is
/// rebuilt from the log, which is always right).
public struct SnapshotFormat: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The layout of `CapacityIndex` as encoded; raise it when the index's stored form changes.
    public static let indexLayout = 2
    public let layout: Int
    /// Every event type with the schema version the index was folded from.
    public let codec: String
    /// The requirement table's version, when the server names one.
    public let table: String?

    public static func current(table: String?) -> SnapshotFormat {
        let codec = LotseEventCodec.eventTypes.map { "\($0.name)@\($0.schemaVersion)" }.sorted().joined(separator: ",")
        return SnapshotFormat(layout: indexLayout, codec: String(FNV1a.hex(codec).prefix(16)), table: table)
    }

    public var description: String { "v\(layout)/\(codec)/\(table ?? "-")" }

    /// Why a stored snapshot is not used.
    public struct Mismatch: Error, Sendable {
        public let reason: String
    }

    /// The stored form of `index` in this format.
    public func encode(_ index: CapacityIndex) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(SnapshotEnvelope(format: self, index: index, latestOccurredAt: index.latestOccurredAt,
                                               lastEventPosition: index.lastEventPosition))
    }

    /// The index stored in `data`, when it was written in this format.
    public func decode(_ data: Data) -> Result<CapacityIndex, Mismatch> {
        guard let stored = try? JSONDecoder().decode(SnapshotEnvelope.self, from: data) else {
            return .failure(Mismatch(reason: "Snapshot in einem älteren Format"))
        }
        guard stored.format == self else { return .failure(Mismatch(reason: "Snapshot-Format \(stored.format) ≠ \(self)")) }
        var index = stored.index
        index.restore(latestOccurredAt: stored.latestOccurredAt, lastEventPosition: stored.lastEventPosition)
        return .success(index)
    }
}

/// The stored form of a snapshot: its format beside the index, and the index's time-travel marks (layout 2).
struct SnapshotEnvelope: Codable {
    let format: SnapshotFormat
    let index: CapacityIndex
    let latestOccurredAt: Timestamp?
    let lastEventPosition: Int64
}
