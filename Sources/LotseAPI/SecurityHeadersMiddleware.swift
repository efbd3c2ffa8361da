import HTTPTypes
import Hummingbird

/// Headers every response carries: no MIME sniffing, no referrer, no framing, and — under TLS — HSTS (browsers use
/// HTTPS only for a year). The web pages add their Content-Security-Policy themselves (`WebPages`); `/v1` answers
/// and `/metrics` are not cached by browsers or proxies (they may carry patient data).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let hsts: Bool

    static var strictTransportSecurity: HTTPField.Name { HTTPField.Name("Strict-Transport-Security")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if hsts { response.headers[Self.strictTransportSecurity] = "max-age=31536000" }
        let path = request.uri.path
        if path.hasPrefix("/v1/") || path == "/metrics", response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
