import Hummingbird
import LotseTokens
import Synchronization

/// Verifies the bearer token of every request except the public health checks and the (data-free) web pages,
/// sets the principal, and
/// applies the per-principal rate limit.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = LotseRequestContext
    let tokens: TokenService
    let limiter: RateLimiter
    let maxBodyBytes: Int
    static let publicPaths: Set<String> = ["/healthz", "/readyz"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if Self.publicPaths.contains(request.uri.path) || WebPages.isPublic(request.uri.path) { return try await next(request, context) }
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
        return try await next(request, context)
    }
}

/// A token bucket per principal: `rate` requests per second on average, bursts of up to one second's worth.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let rate: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond rate: Double) { self.rate = rate }

    func allow(_ key: String) -> Bool {
        let now = ContinuousClock.now
        return buckets.withLock { b in
            var bucket = b[key] ?? Bucket(tokens: max(1, rate), last: now)
            let elapsed = bucket.last.duration(to: now)
            let seconds = elapsed / .seconds(1)
            bucket.tokens = min(max(1, rate), bucket.tokens + seconds * rate)
            bucket.last = now
            guard bucket.tokens >= 1 else {
                b[key] = bucket
                return false
            }
            bucket.tokens -= 1
            b[key] = bucket
            return true
        }
    }
}
