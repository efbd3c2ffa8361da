import Hummingbird
import Logging
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseTokens

/// Builds the Lotse HTTP application: services, routes, middleware. `lotse serve` and the tests both call this.
public enum LotseServer {
    /// Every route of the API, in one table (registration, authorization matrix, OpenAPI agreement).
    public static func routes(_ api: LotseAPIServices) -> [APIRoute] {
        HealthRoutes(api: api).routes + HospitalRoutes(api: api).routes + DispatchRoutes(api: api).routes
            + BoardRoutes(api: api).routes + AnnouncementRoutes(api: api).routes + EventStreamRoutes(api: api).routes
            + MetricsRoutes(api: api).routes + ConsultationRoutes(api: api).routes + ReferenceRoutes(api: api).routes
    }

    /// The application, with the projection rebuilt (ready) and its services attached.
    public static func buildApplication(
        api: LotseAPIServices, logger: Logger = Logger(label: "lotse"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let tokens = try await TokenService(secret: api.configuration.jwtSecret)
        let router = Router(context: LotseRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: api.metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AuthMiddleware(
            tokens: tokens, limiter: RateLimiter(perSecond: api.configuration.rateLimitPerSecond),
            maxBodyBytes: api.configuration.maxBodyBytes))
        for route in routes(api) { route.register(on: router) }
        try WebPages().register(on: router)
        let stats = try await api.start()
        logger.info("projection rebuilt", metadata: [
            "lotse.position": "\(stats.position)", "lotse.events_read": "\(stats.eventsRead)", "lotse.hospitals": "\(stats.hospitals)",
        ])
        return Application(
            router: router,
            configuration: .init(address: .hostname(api.configuration.host, port: api.configuration.port), serverName: "Lotse"),
            services: [ProjectorService(projector: api.projector), ClosureExpiryService(api: api, logger: logger), api.broadcaster,
                       TNATimerService(service: api.telenotarzt)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
