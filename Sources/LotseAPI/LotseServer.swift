import Hummingbird
import HummingbirdHTTP2
import Logging
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseExport
import LotseTokens

/// Builds the Lotse HTTP application: services, controllers, middleware. `lotse serve` and the tests both call this.
public enum LotseServer {
    /// Every controller, each with the narrow dependencies it needs.
    static func controllers(_ api: LotseAPIServices) -> [any APIController] {
        let clock = api.configuration.clock
        let ttl = api.ranking.parameters.statusTTLMinutes
        let reads = ReadAudit(service: api.reads, clock: clock)
        let addresses = HospitalDirectory.addresses()
        return [
            HealthController(store: api.store, projector: api.projector, isReady: { api.isRebuilt }, holdsTimers: { api.holdsTimers },
                             node: api.configuration.nodeName, maxLag: api.configuration.readyLagEvents),
            HospitalController(projector: api.projector, capacity: api.service, clock: clock, ttlMinutes: ttl),
            DispatchController(projector: api.projector, ranking: api.ranking, clock: clock, usage: api.dispatchUsage),
            BoardController(projector: api.projector, clock: clock, ttlMinutes: ttl, store: api.store),
            AnnouncementController(announcements: api.announcements, projector: api.projector, clock: clock, ttlMinutes: ttl, reads: reads),
            EventStreamController(store: api.store, broadcaster: api.broadcaster, telenotarzt: api.telenotarzt, metrics: api.metrics,
                                  streams: StreamLimiter(perPrincipal: api.configuration.maxStreamsPerPrincipal), tokens: api.configuration.tokens,
                                  reads: reads),
            MetricsController(metrics: api.metrics, store: api.store, projector: api.projector),
            ConsultationController(telenotarzt: api.telenotarzt, audit: api.audit, vault: api.vault, reads: reads, clock: clock),
            ReferenceController(table: api.ranking.table),
            FHIRController(projector: api.projector, clock: clock, export: FHIRExport(addresses: addresses, ttlMinutes: ttl)),
            HAVEController(projector: api.projector, clock: clock, export: HAVEExport(addresses: addresses, ttlMinutes: ttl)),
            StatisticsController(store: api.store, clock: clock, ttlMinutes: ttl),
            RevocationController(revocations: api.revocations, clock: clock),
            AlarmController(projector: api.projector, telenotarzt: api.telenotarzt, alarms: api.alarms, clock: clock, reads: reads),
            MANVController(manv: api.manv, projector: api.projector, clock: clock),
        ]
    }

    /// Every route of the API, in one table (registration, authorization matrix, OpenAPI agreement).
    public static func routes(_ api: LotseAPIServices) -> [APIRoute] {
        controllers(api).flatMap(\.routes)
    }

    /// What every request passes before a route: the router with the middleware in front of all routes, and the groups
    /// behind the token (`/v1` also says how old its data may be). One place for the stack: `buildApplication` adds
    /// Lotse's routes to it, the HTTP benchmarks' durable-write ceiling (`Benchmarks/HTTPCeiling`) one plain append.
    package static func stack(
        _ configuration: APIConfiguration, metrics: LotseMetrics, store: any EventStore
    ) throws -> (router: Router<LotseRequestContext>, v1: RouterGroup<LotseRequestContext>, metrics: RouterGroup<LotseRequestContext>) {
        let router = Router(context: LotseRequestContext.self)
        if let path = configuration.accessLogPath {
            router.add(middleware: AccessLogMiddleware(log: try AccessLog(path: path)))
        }
        router.add(middleware: SecurityHeadersMiddleware(hsts: configuration.tls != nil))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        // Public: the health checks and the web pages (which hold no data). Everything else is behind the token.
        let auth = AuthMiddleware(
            tokens: configuration.tokens, limiter: RateLimiter(perSecond: configuration.rateLimitPerSecond), maxBodyBytes: configuration.maxBodyBytes)
        return (router, router.group("v1").add(middleware: auth).add(middleware: DataAgeMiddleware(store: store)),
                router.group("metrics").add(middleware: auth))
    }

    /// The application, with the projection rebuilt (ready) and its services attached.
    public static func buildApplication(
        api: LotseAPIServices, logger: Logger = .lotse(),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let tokens = api.configuration.tokens
        let (router, v1, metrics) = try stack(api.configuration, metrics: api.metrics, store: api.store)
        // An unknown path under /v1 is behind the token too (401 before 404): no route map for anonymous callers.
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
            v1.on("**", method: method) { _, _ -> Response in throw Problem.notFound("Pfad unbekannt / no such route") }
        }
        for controller in controllers(api) {
            switch controller.prefix {
            case "/v1": v1.addRoutes(controller.collection)
            case "/metrics": metrics.addRoutes(controller.collection)
            default:
                precondition(controller.routes.allSatisfy(\.roles.isEmpty), "routes outside /v1 and /metrics are public")
                router.addRoutes(controller.collection)
            }
        }
        try WebPages().register(on: router)
        let stats = try await api.start()
        if let why = stats.ignoredSnapshot {
            logger.notice("snapshot ignored, index rebuilt from the log", metadata: ["lotse.reason": "\(why)"])
        }
        logger.info("projection rebuilt", metadata: [
            "lotse.position": "\(stats.position)", "lotse.events_read": "\(stats.eventsRead)", "lotse.hospitals": "\(stats.hospitals)",
            "lotse.seconds": "\((stats.seconds * 1000).rounded() / 1000)", "lotse.from_snapshot": "\(stats.fromSnapshotPosition.map(String.init) ?? "no")",
        ])
        let configuration = api.configuration
        return Application(
            router: router,
            server: try configuration.tls.map { try .http2Upgrade(tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Lotse"),
            services: [
                ProjectorService(projector: api.projector),
                ClosureExpiryService(
                    projector: api.projector, capacity: api.service, announcements: api.announcements, manv: api.manv, clock: configuration.clock,
                    interval: .seconds(configuration.expiryIntervalSeconds), escalationSeconds: configuration.escalationSeconds,
                    lease: api.timerLease, logger: logger),
                api.broadcaster, TNATimerService(service: api.telenotarzt, lease: api.timerLease),
                TimerLeaseService(lease: api.timerLease),
                KeyReloadService(tokens: tokens, logger: logger, interval: configuration.keyReloadInterval),
                DispatchUsageService(counter: api.dispatchUsage, store: api.store, node: configuration.nodeName,
                                     now: { configuration.clock.now() }, logger: logger),
                SnapshotService(projector: api.projector, snapshots: api.snapshots, lease: api.timerLease,
                                everyEvents: configuration.snapshotEveryEvents, everyMinutes: configuration.snapshotEveryMinutes, logger: logger),
            ],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
