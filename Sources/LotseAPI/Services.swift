import Logging
import LotseCapacity
import LotseTelenotarzt
import ServiceLifecycle

/// Runs the Telenotarzt timers (offer time-outs, alerts) until graceful shutdown.
struct TNATimerService: Service {
    let service: TNAService

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await service.runTimers()
        }
    }
}

/// Feeds the capacity projection from the log's subscription until graceful shutdown.
struct ProjectorService: Service {
    let projector: CapacityProjector

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await projector.run()
        }
    }
}

/// The timer that turns closures whose `until` has passed into `ResourceClosureExpired` events (answers already
/// treat them as ended at `until`), and red announcements left unacknowledged into `AnnouncementEscalated`.
struct ClosureExpiryService: Service {
    let api: LotseAPIServices
    let logger: Logger

    func run() async throws {
        let interval = Duration.milliseconds(Int64(api.configuration.expiryIntervalSeconds * 1000))
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let index = api.projector.snapshot
                    let n = try await api.service.expireDueClosures(in: index, at: api.now)
                    if n > 0 { logger.info("closures expired", metadata: ["lotse.expired": "\(n)"]) }
                    let e = try await api.announcements.escalateDue(in: index, at: api.now, thresholdSeconds: api.configuration.escalationSeconds)
                    if e > 0 { logger.warning("red announcements escalated", metadata: ["lotse.escalated": "\(e)"]) }
                } catch {
                    logger.error("timer failed", metadata: ["lotse.error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
