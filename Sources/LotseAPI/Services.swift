import Logging
import LotseCapacity
import ServiceLifecycle

/// Feeds the capacity projection from the log's subscription until graceful shutdown.
struct ProjectorService: Service {
    let projector: CapacityProjector

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await projector.run()
        }
    }
}

/// The timer that turns closures whose `until` has passed into `ResourceClosureExpired` events, so the log says
/// when each closure ended (answers already treat them as ended at `until`).
struct ClosureExpiryService: Service {
    let api: LotseAPIServices
    let logger: Logger

    func run() async throws {
        let interval = Duration.milliseconds(Int64(api.configuration.expiryIntervalSeconds * 1000))
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let n = try await api.service.expireDueClosures(in: api.projector.snapshot, at: api.now)
                    if n > 0 { logger.info("closures expired", metadata: ["lotse.expired": "\(n)"]) }
                } catch {
                    logger.error("closure expiry failed", metadata: ["lotse.error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
