import Foundation
import Hummingbird
import LotseCapacity
import LotseDomain
import LotseEventStore

/// `/healthz` (the process answers) and `/readyz` (the projection is rebuilt, the store answers, and the node is at
/// most `maxLag` events behind the log's head) — what a load balancer asks before it sends a node traffic.
struct HealthController: APIController {
    let prefix = ""
    let store: any EventStore
    let projector: CapacityProjector
    /// True once the projection was rebuilt at start.
    let isReady: @Sendable () -> Bool
    /// Whether this node runs the timers (holds the lease).
    let holdsTimers: @Sendable () -> Bool
    let node: String
    let maxLag: Int64

    struct Health: Codable {
        let status: String
        /// Why not ready (German), when not.
        let reason: String?
        let node: String
        /// The log's head as the store answered now (or as last heard, when it does not answer).
        let logPosition: Int64
        let projectionPosition: Int64
        let lag: Int64
        let storeReachable: Bool
        /// Seconds since the store last answered, while it does not (answers are that old at least).
        let dataAgeSeconds: Double
        /// Whether this node runs the timers (closure expiry, escalation, Telenotarzt deadlines).
        let timers: Bool
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/healthz", roles: []) { _, context in try context.json(["status": "ok"]) },
            APIRoute(.get, "/readyz", roles: []) { _, context in
                let position = projector.position
                var head = position
                var reason: String?
                do { head = try await store.head() } catch { reason = "Speicher nicht erreichbar: \(error)" }
                let status = store.status
                if reason == nil, !status.reachable { reason = "Speicher nicht erreichbar: \(status.lastError ?? "")" }
                if reason == nil, !isReady() { reason = "Projektion wird aufgebaut" }
                if reason == nil, head - position > maxLag { reason = "\(head - position) Ereignisse hinter dem Protokoll" }
                let health = Health(
                    status: reason == nil ? "ready" : "unready", reason: reason, node: node, logPosition: head, projectionPosition: position,
                    lag: max(0, head - position), storeReachable: status.reachable && !(reason?.hasPrefix("Speicher") ?? false),
                    dataAgeSeconds: status.staleSeconds().rounded(toPlaces: 1), timers: holdsTimers())
                return try context.json(health, status: reason == nil ? .ok : .serviceUnavailable)
            },
        ]
    }
}
