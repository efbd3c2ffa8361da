import Foundation
import Hummingbird
import LotseEventStore
import LotseTelenotarzt
import LotseTokens
import Prometheus

/// The Prometheus metrics of one server (a registry per application, so tests can run several servers).
public final class LotseMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let sseSubscribers: Gauge
    let projectionLag: Gauge
    let tnaQueue: Gauge
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init() {
        sseSubscribers = registry.makeGauge(descriptor: .init(
            namespace: "lotse", metricName: "sse_subscribers", unitName: "", helpText: "Open Server-Sent-Events streams"))
        tnaQueue = registry.makeGauge(descriptor: .init(
            namespace: "lotse", subsystem: "tna", metricName: "queue_length", unitName: "", helpText: "Consultations waiting for a physician"))
        projectionLag = registry.makeGauge(descriptor: .init(
            namespace: "lotse", metricName: "projection_lag", unitName: "events", helpText: "Log head minus the projection's position"))
    }

    /// Telenotarzt: time from request to offer and to connected, offers missed, escalations, alerts, queue length.
    func observe(_ events: [TNAEvent], _ state: TNAState) {
        func histogram(_ name: String, _ help: String) -> DurationHistogram {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "lotse", subsystem: "tna", metricName: name, unitName: "seconds", helpText: help),
                labels: [], buckets: [.seconds(1), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600)])
        }
        func count(_ name: String, _ help: String) {
            registry.makeCounter(descriptor: .init(namespace: "lotse", subsystem: "tna", metricName: name, unitName: "total", helpText: help)).increment()
        }
        for e in events {
            switch e {
            case let .offered(id, _, _, at):
                // The first offer only: the time the crew waited for a physician to be asked.
                if let c = state.consultations[id], c.offeredAt == at, c.missedOffers == 0, c.passedBy.isEmpty {
                    histogram("request_to_offer", "Time from request to the first offer").record(.milliseconds(at.millis - c.requestedAt.millis))
                }
            case let .connected(id, at):
                if let c = state.consultations[id] {
                    histogram("request_to_connected", "Time from request to the physician connected").record(.milliseconds(at.millis - c.requestedAt.millis))
                }
            case .offerMissed: count("offers_missed", "Offers that timed out")
            case .escalated: count("escalations", "Consultations escalated to a physical Notarzt")
            case .backupAlerted: count("backup_alerts", "Cases waiting longer than 60 s")
            case .leitstelleAlerted: count("leitstelle_alerts", "Cases waiting longer than 5 min")
            default: break
            }
        }
        tnaQueue.set(to: Double(state.consultations.values.filter { $0.status == .waiting }.count))
    }

    func requestDuration(method: String, route: String, status: Int) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "lotse", metricName: "http_request_duration", unitName: "seconds", helpText: "Request latency per route"),
            labels: [("method", method), ("route", route), ("status", String(status))], buckets: Self.buckets)
    }

    func appended(_ type: String, count: Int) {
        registry.makeCounter(
            descriptor: .init(namespace: "lotse", metricName: "events_appended", unitName: "total", helpText: "Events appended, by type"),
            labels: [("type", type)]
        ).increment(by: Int64(count))
    }
}

/// Records every request's latency per route template (`/v1/hospitals/{id}`-style, as Hummingbird matched it).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: LotseMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        metrics.requestDuration(method: request.method.rawValue, route: route, status: Int(response.status.code))
            .record(ContinuousClock.now - start)
        return response
    }
}

/// Counts appended events by type for `/metrics`; everything else is passed through.
final class MeteredEventStore: EventStore {
    let base: any EventStore
    let metrics: LotseMetrics

    init(_ base: any EventStore, metrics: LotseMetrics) {
        self.base = base
        self.metrics = metrics
    }

    func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        let r = try await base.append(events, to: stream, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey)
        if !r.deduplicated {
            for (type, group) in Dictionary(grouping: events, by: \.type) { metrics.appended(type, count: group.count) }
        }
        return r
    }

    func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] { try await base.read(after: position, limit: limit) }
    func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] { try await base.readStream(stream, after: version) }
    func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? { try await base.idempotentResult(for: key) }
    func head() async throws -> Int64 { try await base.head() }
    func subscribe(after position: Int64) -> EventSubscription { base.subscribe(after: position) }
}

/// `GET /metrics` in the Prometheus text format (admin only: every endpoint is authenticated).
struct MetricsRoutes {
    let api: LotseAPIServices

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/metrics", roles: [.admin]) { _, _ in
                let head = try await api.store.head()
                api.metrics.projectionLag.set(to: Double(head - api.projector.position))
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: api.metrics.registry.emitToBuffer())))
            },
        ]
    }
}
