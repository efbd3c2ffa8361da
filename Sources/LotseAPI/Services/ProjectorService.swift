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
