import Hummingbird

/// `/healthz` (the process answers) and `/readyz` (the projection is rebuilt and has caught up with the log).
struct HealthRoutes {
    let api: LotseAPIServices

    struct Health: Codable {
        let status: String
        let logPosition: Int64
        let projectionPosition: Int64
        let lag: Int64
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/healthz", roles: []) { _, _ in try json(["status": "ok"]) },
            APIRoute(.get, "/readyz", roles: []) { _, _ in
                let head = try await api.store.head()
                let position = api.projector.position
                let ready = api.isRebuilt && head - position <= 1000
                return try json(Health(status: ready ? "ready" : "catching-up", logPosition: head, projectionPosition: position, lag: head - position),
                                status: ready ? .ok : .serviceUnavailable)
            },
        ]
    }
}
