import Foundation
import JWTKit

/// Signs and verifies bearer tokens (HS256 with the configured secret).
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection

    /// - Parameter secret: at least 32 bytes (HS256 needs a key as long as its hash); the server refuses to start with less.
    public init(secret: String) async throws(TokenError) {
        guard secret.utf8.count >= 32 else { throw .secretTooShort }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A signed token for `role` with `scope`, valid for `ttlSeconds`.
    public func issue(subject: String, role: Role, scope: [String], ttlSeconds: Int, now: Date = Date()) async throws -> String {
        let claims = LotseClaims(
            sub: SubjectClaim(value: subject), exp: ExpirationClaim(value: now.addingTimeInterval(TimeInterval(ttlSeconds))),
            iat: IssuedAtClaim(value: now), role: role.rawValue, scope: scope)
        return try await keys.sign(claims)
    }

    /// The principal of a valid token; throws for a bad signature, an expired token or an unknown role.
    public func verify(_ token: String) async throws -> AuthenticatedPrincipal {
        let claims = try await keys.verify(token, as: LotseClaims.self)
        guard let role = Role(rawValue: claims.role) else { throw TokenError.unknownRole(claims.role) }
        return AuthenticatedPrincipal(subject: claims.sub.value, role: role, scope: Set(claims.scope))
    }
}

public enum TokenError: Error, CustomStringConvertible {
    case secretTooShort
    case unknownRole(String)

    public var description: String {
        switch self {
        case .secretTooShort: "JWT-Schlüssel zu kurz (mindestens 32 Zeichen) / JWT secret too short"
        case let .unknownRole(r): "Unbekannte Rolle „\(r)“ / unknown role"
        }
    }
}
