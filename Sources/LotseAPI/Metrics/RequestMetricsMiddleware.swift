import Hummingbird

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
