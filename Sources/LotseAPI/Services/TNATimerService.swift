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
