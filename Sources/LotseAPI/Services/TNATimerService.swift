import LotseTelenotarzt
import ServiceLifecycle

/// Runs the Telenotarzt timers (offer time-outs, alerts) until graceful shutdown; every node follows the stream, the
/// holder of the timer lease ticks.
struct TNATimerService: Service {
    let service: TNAService
    let lease: TimerLease

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await service.runTimers(mayTick: { await lease.holds() })
        }
    }
}
