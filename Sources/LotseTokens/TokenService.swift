import Foundation
import JWTKit
import Synchronization

/// Signs and verifies bearer tokens (HS256 with the configured secret). Verified tokens are remembered until they
/// expire (at most 4 096 of them), so a client that sends the same token again is not verified again: verifying
/// (signature + claims decoding) costs more than a whole dispatch answer.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()

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
    public func verify(_ token: String, now: Date = Date()) async throws -> AuthenticatedPrincipal {
        if let known = verified.lookup(token, now: now) { return known }
        let claims = try await keys.verify(token, as: LotseClaims.self)
        guard let role = Role(rawValue: claims.role) else { throw TokenError.unknownRole(claims.role) }
        let principal = AuthenticatedPrincipal(subject: claims.sub.value, role: role, scope: Set(claims.scope))
        verified.remember(token, principal, until: claims.exp.value)
        return principal
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

/// Tokens already verified, with their expiry. Only a token string that verified is ever stored, and it is used
/// only before its `exp`; when full, the cache starts over (a re-verification is the only cost).
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (AuthenticatedPrincipal, Date)]>([:])
    static let capacity = 4096

    func lookup(_ token: String, now: Date) -> AuthenticatedPrincipal? {
        entries.withLock { e in
            guard let (p, exp) = e[token] else { return nil }
            guard now < exp else {
                e[token] = nil
                return nil
            }
            return p
        }
    }

    func remember(_ token: String, _ p: AuthenticatedPrincipal, until exp: Date) {
        entries.withLock { e in
            if e.count >= Self.capacity { e.removeAll(keepingCapacity: true) }
            e[token] = (p, exp)
        }
    }
}
