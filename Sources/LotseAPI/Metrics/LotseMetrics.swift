import Foundation
import Hummingbird
import LotseEventStore
import LotseTelenotarzt
import LotseTokens
import Prometheus
import Synchronization

/// The Prometheus metrics of one server (a registry per application, so tests can run several servers).
public final class LotseMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let sseSubscribers: Gauge
    let projectionLag: Gauge
    let tnaQueue: Gauge
    /// Histograms per route (bounded: the routes are the router's templates, methods and statuses few).
    let routeHistograms = Mutex<[RouteKey: DurationHistogram]>([:])
    /// Counters of appended events per type (bounded: the event types).
    let appendedCounters = Mutex<[String: Counter]>([:])
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
        tnaQueue.set(to: Double(state.open.values.filter { $0.status == .waiting }.count))
    }

    /// The histogram of a route, method and status, made once and then taken from a small cache (the registry builds
    /// and looks up a label string on every call: ≈ 2 % of a dispatch request's CPU in the profile, issue 16).
    func requestDuration(method: String, route: String, status: Int) -> DurationHistogram {
        let key = RouteKey(method: method, route: route, status: status)
        if let h = routeHistograms.withLock({ $0[key] }) { return h }
        let h = makeRequestDuration(method: method, route: route, status: status)
        routeHistograms.withLock { $0[key] = h }
        return h
    }

    struct RouteKey: Hashable {
        let method: String, route: String, status: Int
    }

    func makeRequestDuration(method: String, route: String, status: Int) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "lotse", metricName: "http_request_duration", unitName: "seconds", helpText: "Request latency per route"),
            labels: [("method", method), ("route", route), ("status", String(status))], buckets: Self.buckets)
    }

    /// Counts appended events of a type; the counter is made once per type (making it builds and looks up a label
    /// string: ≈ 1 % of a durable update's server CPU, issue 16).
    func appended(_ type: String, count: Int) {
        let counter = appendedCounters.withLock { counters in
            if let c = counters[type] { return c }
            let c = registry.makeCounter(
                descriptor: .init(namespace: "lotse", metricName: "events_appended", unitName: "total", helpText: "Events appended, by type"),
                labels: [("type", type)])
            counters[type] = c
            return c
        }
        counter.increment(by: Int64(count))
    }
}
