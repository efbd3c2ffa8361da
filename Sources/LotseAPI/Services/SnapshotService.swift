import Logging
import LotseCapacity
import LotseEventStore
import ServiceLifecycle

/// Saves a snapshot of the capacity index every `everyEvents` events, on the node that holds the timer lease, so that
/// a node that starts (or restarts after a crash) replays only the tail of the log. A snapshot is a cache: a failed
/// save costs a longer start, never data.
struct SnapshotService: Service {
    let projector: CapacityProjector
    let snapshots: (any SnapshotStore)?
    let lease: TimerLease
    let everyEvents: Int64
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
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                guard projector.position - saved >= everyEvents, await lease.holds() else { continue }
                do {
                    try await projector.saveSnapshot(to: snapshots)
                    saved = projector.position
                    logger.info("snapshot saved", metadata: ["lotse.position": "\(saved)"])
                } catch {
                    logger.warning("snapshot not saved", metadata: ["lotse.error": "\(error)"])
                }
            }
        }
    }
}
