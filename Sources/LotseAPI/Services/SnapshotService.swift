import Logging
import LotseCapacity
import LotseEventStore
import ServiceLifecycle

/// Saves a snapshot of the capacity index every `everyEvents` events — or, when fewer came, every `everyMinutes`
/// minutes if anything came at all — on the node that holds the timer lease, so that
/// a node that starts (or restarts after a crash) replays only the tail of the log. A snapshot is a cache: a failed
/// save costs a longer start, never data.
struct SnapshotService: Service {
    let projector: CapacityProjector
    let snapshots: (any SnapshotStore)?
    let lease: TimerLease
    let everyEvents: Int64
    /// Also after this many minutes with at least one new event (nil: by count only).
    var everyMinutes: Double? = nil
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        guard let snapshots else {
            // A service that returns would stop the server: wait for the shutdown instead.
            try await gracefulShutdown()
            return
        }
        try await cancelWhenGracefulShutdown {
            var saved = projector.position
            var savedAt = ContinuousClock.now
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let new = projector.position - saved
                let due = new >= everyEvents || (new > 0 && everyMinutes.map { savedAt.duration(to: .now) >= .seconds($0 * 60) } == true)
                guard due, await lease.holds() else { continue }
                do {
                    try await projector.saveSnapshot(to: snapshots)
                    saved = projector.position
                    savedAt = .now
                    logger.info("snapshot saved", metadata: ["lotse.position": "\(saved)"])
                } catch {
                    logger.warning("snapshot not saved", metadata: ["lotse.error": "\(error)"])
                }
            }
        }
    }
}
