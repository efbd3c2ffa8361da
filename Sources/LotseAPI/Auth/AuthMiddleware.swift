import Hummingbird
import LotseTokens

/// Verifies the bearer token of every request of the groups it is added to (`/v1`, `/metrics`), sets the principal,
/// applies the per-principal rate limit and the body size limit.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = LotseRequestContext
    let tokens: TokenVerifier
    let limiter: RateLimiter
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem.unauthorized("Bearer-Token fehlt (Authorization: Bearer …) / missing bearer token")
        }
        let principal: AuthenticatedPrincipal
        do {
            principal = try await tokens.verify(String(header.dropFirst(7)))
        } catch {
            throw Problem.unauthorized("Token ungültig oder abgelaufen / invalid or expired token")
        }
        guard limiter.allow(principal.principal.description) else {
            throw Problem(.tooManyRequests, title: "Zu viele Anfragen", detail: "Ratenlimit überschritten – bitte kurz warten / rate limit exceeded")
        }
        context.principal = principal
        AccessLog.caller?.principal.withLock { $0 = principal.principal.description }
        return try await next(request, context)
    }
}
