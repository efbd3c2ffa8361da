import LotseCapacity
import ServiceLifecycle

/// Feeds the capacity projection from the log's subscription until graceful shutdown; after a start from a snapshot,
/// completes the time-travel history from the log before it beside (one read of that part of the log).
struct ProjectorService: Service {
    let projector: CapacityProjector

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask(priority: .background) {
                    // Best effort: until it is done (or if the store fails here), moments before the snapshot are
                    // replayed from the whole log, as they always could be.
                    try? await projector.completeHistory()
                }
                // The projection decides the service's life: when it ends or fails, the fill is cancelled with it.
                defer { group.cancelAll() }
                try await projector.run()
            }
        }
    }
}
