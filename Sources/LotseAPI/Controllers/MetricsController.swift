import Hummingbird
import LotseCapacity
import LotseEventStore
import LotseTokens

/// `GET /metrics` in the Prometheus text format (admin only: every endpoint is authenticated).
struct MetricsController: APIController {
    let prefix = "/metrics"
    let metrics: LotseMetrics
    let store: any EventStore
    let projector: CapacityProjector

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/metrics", roles: [.admin]) { _, context in
                let head = try await store.head()
                metrics.projectionLag.set(to: Double(head - projector.position))
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
            },
        ]
    }
}
