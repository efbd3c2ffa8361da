import Hummingbird
import LotseEventStore
import LotseCapacity

/// `/healthz` (the process answers) and `/readyz` (the projection is rebuilt and has caught up with the log).
struct HealthController: APIController {
    let prefix = ""
    let store: any EventStore
    let projector: CapacityProjector
    /// True once the projection was rebuilt at start.
    let isReady: @Sendable () -> Bool

    struct Health: Codable {
        let status: String
        let logPosition: Int64
        let projectionPosition: Int64
        let lag: Int64
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/healthz", roles: []) { _, context in try context.json(["status": "ok"]) },
            APIRoute(.get, "/readyz", roles: []) { _, context in
                let head = try await store.head()
                let position = projector.position
                let ready = isReady() && head - position <= 1000
                return try context.json(Health(status: ready ? "ready" : "catching-up", logPosition: head, projectionPosition: position, lag: head - position),
                                status: ready ? .ok : .serviceUnavailable)
            },
        ]
    }
}
