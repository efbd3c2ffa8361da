import LotseDomain
import LotseEventStore

/// Checkpoints of the capacity index for time travel (issue 16): the index as it was at a moment without reading the
/// whole log. Every `spacing` events the projection keeps its index (a copy that shares storage until the live index
/// changes) with the earliest time any event since the previous checkpoint occurred.
///
/// The index of moment `t` is the fold, in log order, of every hospital and announcement event that occurred by `t`
/// (`CapacityProjector.replayIndex(asOf:)`). A checkpoint whose events all occurred by `t` (`latestOccurredAt ≤ t`)
/// is that fold's prefix; after it, only the stretches whose earliest event occurred by `t` can contribute, and only
/// those are read. Events are written in time order, so a moment costs one checkpoint and one or two stretches,
/// whatever the length of the log — and the answer stays exact when a late event was written out of order.
///
/// Memory is bounded: when the checkpoints exceed what `budgetBytes` allows for the index's size, every other one is
/// dropped (their stretches merged) and the spacing doubles.
public struct CapacityHistory: Sendable {
    public struct Checkpoint: Sendable {
        public let index: CapacityIndex
        /// The earliest time an event between the previous checkpoint and this one occurred (nil: none there).
        public let stretchEarliest: Timestamp?
    }

    /// Oldest first; the first is the index the history started from (the empty log, or a snapshot).
    public private(set) var checkpoints: [Checkpoint]
    /// The earliest time an event after the last checkpoint occurred.
    public private(set) var pendingEarliest: Timestamp?
    private var pendingEvents = 0
    /// The position of the last event observed: the log after it is read for any moment.
    public private(set) var observedThrough: Int64
    public private(set) var spacing: Int
    public let budgetBytes: Int

    public init(start: CapacityIndex = CapacityIndex(), spacing: Int = 4096, budgetBytes: Int = 64 << 20) {
        checkpoints = [Checkpoint(index: start, stretchEarliest: nil)]
        observedThrough = start.position
        self.spacing = max(1, spacing)
        self.budgetBytes = budgetBytes
    }

    /// Whether the history reaches back to the empty log (not only to a snapshot).
    public var coversWholeLog: Bool { checkpoints[0].index.position == 0 }

    /// Notes an event the projection has just applied (`index` is the index after it).
    public mutating func observe(_ event: LotseEvent?, _ index: CapacityIndex) {
        if let t = event?.occurredAt, pendingEarliest.map({ t < $0 }) ?? true { pendingEarliest = t }
        observedThrough = index.position
        pendingEvents += 1
        guard pendingEvents >= spacing else { return }
        checkpoints.append(Checkpoint(index: index, stretchEarliest: pendingEarliest))
        pendingEarliest = nil
        pendingEvents = 0
        thinIfNeeded()
    }

    /// How many checkpoints the budget allows for an index like the latest (estimated from its arrays and the sizes of
    /// what they hold); at least two — the start and one more — however large the index.
    var limit: Int {
        let i = checkpoints[checkpoints.count - 1].index
        return min(512, max(2, budgetBytes / max(1, Self.estimatedBytes(i))))
    }

    /// What one checkpoint of `index` costs: a copy of its arrays and of the announcements' table (a checkpoint shares
    /// nothing the live index changed since). Measured against the process's resident memory with a Germany-scale
    /// year of events (Docs/BENCHMARKS.md): the announcements' table dominates there.
    static func estimatedBytes(_ index: CapacityIndex) -> Int {
        let perHospital = MemoryLayout<HospitalState>.stride + CapacityIndex.keyCount * MemoryLayout<ResourceCondition>.stride
            + 3 * CapacityIndex.categoryCount * 8 + MemoryLayout<CapacityIndex.Hot>.stride + 128
        // A dictionary entry (key and value, at most 3/4 full) and its strings on the heap.
        let perAnnouncement = (MemoryLayout<AnnouncementID>.stride + MemoryLayout<AnnouncementState>.stride) * 4 / 3 + 96
        return index.hospitals.count * perHospital + index.packed.count * MemoryLayout<PackedCondition>.stride
            + index.announcements.count * perAnnouncement
    }

    private mutating func thinIfNeeded() {
        guard checkpoints.count > limit else { return }
        var kept = [checkpoints[0]]
        var carried: Timestamp? = nil
        for (n, c) in checkpoints.dropFirst().enumerated() {
            let earliest = Self.earlier(carried, c.stretchEarliest)
            if n % 2 == 1 || n == checkpoints.count - 2 {
                kept.append(Checkpoint(index: c.index, stretchEarliest: earliest))
                carried = nil
            } else {
                carried = earliest
            }
        }
        checkpoints = kept
        spacing *= 2
    }

    static func earlier(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        switch (a, b) {
        case let (x?, y?): min(x, y)
        case let (x?, nil): x
        case let (nil, y): y
        }
    }

    /// What to read for moment `t`: the checkpoint to start from and the stretches of the log after it, as
    /// (after, through) positions; nil when the history does not reach back to `t` (it started at a snapshot taken
    /// later). The log beyond what the history observed is always read.
    public func plan(asOf t: Timestamp) -> (start: CapacityIndex, stretches: [(after: Int64, through: Int64)])? {
        // `latestOccurredAt` never decreases along the checkpoints: the last one not later than `t`.
        guard checkpoints[0].index.latestOccurredAt.map({ $0 <= t }) ?? true else { return nil }
        var lo = 0, hi = checkpoints.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if checkpoints[mid].index.latestOccurredAt.map({ $0 <= t }) ?? true { lo = mid } else { hi = mid - 1 }
        }
        var stretches: [(after: Int64, through: Int64)] = []
        func add(_ after: Int64, _ through: Int64) {
            if let last = stretches.last, last.through == after {
                stretches[stretches.count - 1].through = through
            } else if through > after {
                stretches.append((after, through))
            }
        }
        for j in (lo + 1)..<max(lo + 1, checkpoints.count) where checkpoints[j].stretchEarliest.map({ $0 <= t }) ?? false {
            add(checkpoints[j - 1].index.position, checkpoints[j].index.position)
        }
        let last = checkpoints[checkpoints.count - 1].index.position
        add(pendingEarliest.map { $0 <= t } ?? false ? last : max(last, observedThrough), .max)
        return (checkpoints[lo].index, stretches)
    }

    /// Puts a history of the log before this one's start in front of it (the background fill after a start from a
    /// snapshot): `earlier` must have read the log up to this history's first checkpoint.
    public mutating func prepend(_ earlier: CapacityHistory) {
        guard !coversWholeLog, earlier.coversWholeLog,
              earlier.checkpoints[earlier.checkpoints.count - 1].index.position <= checkpoints[0].index.position
        else { return }
        let joint = Checkpoint(index: checkpoints[0].index, stretchEarliest: earlier.pendingEarliest)
        checkpoints = earlier.checkpoints + [joint] + checkpoints.dropFirst()
        spacing = max(spacing, earlier.spacing)
        while checkpoints.count > limit { thinIfNeeded() }
    }
}
