import Logging
import LotseApplication
import LotseCapacity
import LotseTime
import ServiceLifecycle

/// The timer that turns closures whose `until` has passed into `ResourceClosureExpired` events (answers already
/// treat them as ended at `until`), red announcements left unacknowledged into `AnnouncementEscalated`, and MANV
/// requests still unanswered halfway to their deadline into a reminder — on the node that holds the timer lease.
struct ClosureExpiryService: Service {
    let projector: CapacityProjector
    let capacity: CapacityService
    let announcements: AnnouncementService
    let manv: MANVService
    let clock: any LotseClock
    let interval: Duration
    let escalationSeconds: Int64
    let lease: TimerLease
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard await lease.holds() else {
                    try await Task.sleep(for: interval)
                    continue
                }
                let index = projector.snapshot
                // Each job on its own: one that fails does not hold up the others.
                await job("closure expiry") {
                    let n = try await capacity.expireDueClosures(in: index, at: clock.now())
                    if n > 0 { logger.info("closures expired", metadata: ["lotse.expired": "\(n)"]) }
                }
                await job("escalation") {
                    let e = try await announcements.escalateDue(in: index, at: clock.now(), thresholdSeconds: escalationSeconds)
                    if e > 0 { logger.warning("red announcements escalated", metadata: ["lotse.escalated": "\(e)"]) }
                }
                await job("MANV") {
                    let r = try await manv.remindDue(at: clock.now())
                    if r > 0 { logger.info("MANV hospitals reminded", metadata: ["lotse.incidents": "\(r)"]) }
                    let c = try await manv.reconcileCancelledTransports(in: index, at: clock.now())
                    if c > 0 { logger.info("MANV transports cancelled with their announcements", metadata: ["lotse.transports": "\(c)"]) }
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    private func job(_ name: String, _ body: () async throws -> Void) async {
        do { try await body() } catch { logger.error("timer failed", metadata: ["lotse.timer": "\(name)", "lotse.error": "\(error)"]) }
    }
}
