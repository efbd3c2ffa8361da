import Hummingbird
import LotseTokens

/// One route of the API: method, path as in the OpenAPI document (`/v1/hospitals/{id}`), who may call it, and
/// the handler. The table of all routes registers them with the router, feeds the authorization matrix test,
/// and is compared with `Docs/openapi.yaml` by a test.
public struct APIRoute: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    /// Roles allowed; empty = public (health checks).
    public let roles: Set<Role>
    /// The query parameters the operation defines; any other is refused with 400 naming it (never silently ignored).
    public let query: Set<String>
    let handler: @Sendable (Request, LotseRequestContext) async throws -> Response

    init(_ method: HTTPRequest.Method, _ path: String, roles: Set<Role>, query: Set<String> = [],
         _ handler: @escaping @Sendable (Request, LotseRequestContext) async throws -> Response) {
        self.method = method
        self.path = path
        self.roles = roles
        self.query = query
        self.handler = handler
    }

    /// Hummingbird's form of a path (`{id}` → `:id`).
    static func routerPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }

    /// Registers the route at `path` (relative to the group) with its checks in this order: the role (the token
    /// was checked before), then the query's parameter names; the handler validates values and the body after its
    /// own scope check, so a caller learns nothing about the validation of data it may not touch.
    func register(on router: some RouterMethods<LotseRequestContext>, at path: String) {
        let roles = self.roles, handler = self.handler, allowed = self.query
        router.on(RouterPath(Self.routerPath(path)), method: method) { request, context in
            if !roles.isEmpty {
                let p = try context.requirePrincipal()
                guard roles.contains(p.role) else {
                    throw Problem.forbidden("Rolle \(p.role.rawValue) darf das nicht / role not allowed here")
                }
            }
            if let query = request.uri.query {
                for name in Self.parameterNames(query) where !allowed.contains(name) {
                    let known = allowed.isEmpty ? "keine" : allowed.sorted().joined(separator: ", ")
                    throw Problem.badRequest("Parameter „\(name)“ gibt es hier nicht (erlaubt: \(known)) / unknown query parameter", field: name)
                }
            }
            return try await handler(request, context)
        }
    }
}

extension APIRoute {
    /// The parameter names of a query as `URI.queryParameters` reads them (split at `&`, an empty part but the last
    /// one kept, the name up to the first `=`, not percent-decoded) — without building its dictionary of decoded
    /// values, which the route's own parameters then parse again (≈ 2 % of a dispatch request's CPU, issue 16).
    static func parameterNames(_ query: String) -> [String] {
        var parts = query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true { parts.removeLast() }
        return parts.map { part in String(Substring(part.prefix { $0 != UInt8(ascii: "=") })) }
    }
}

extension Role {
    static let everyone: Set<Role> = Set(Role.allCases)
}

/// A group of routes with the narrow dependencies they need (one per concept: hospitals, dispatch, board, …).
protocol APIController: Sendable {
    /// Where the controller's routes live: `/v1`, `/metrics` or the root (health checks).
    var prefix: String { get }
    var routes: [APIRoute] { get }
}

extension APIController {
    var prefix: String { "/v1" }

    /// The routes as Hummingbird's `RouteCollection`, relative to `prefix`, each with its role check.
    var collection: RouteCollection<LotseRequestContext> {
        let collection = RouteCollection(context: LotseRequestContext.self)
        for route in routes {
            precondition(route.path.hasPrefix(prefix), "\(route.path) outside \(prefix)")
            route.register(on: collection, at: String(route.path.dropFirst(prefix.count)))
        }
        return collection
    }
}
