import Foundation
import JWTKit
import LotseDomain

/// Signs Lotse tokens: with an ES256 private key (its thumbprint as `kid`), or — for development only — with an
/// HS256 secret. Every token carries `jti`, `iat` and `exp`.
public struct TokenIssuer: Sendable {
    private let keys: JWTKeyCollection
    private let kid: JWKIdentifier?

    /// Signs with `key`; servers verify with its public half from their JWKS.
    public init(signingKey key: SigningKey) async {
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: key.kid)
        await keys.add(ecdsa: key.key, kid: kid)
        self.keys = keys
        self.kid = kid
    }

    /// Signs with an HS256 secret (development: servers accept it only with `--dev-secret`).
    public init(devSecret: String) async throws(TokenError) {
        guard devSecret.utf8.count >= 32 else { throw .secretTooShort }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: devSecret), digestAlgorithm: .sha256)
        self.keys = keys
        kid = nil
    }

    /// A signed token for `role` with `scope`, valid for `ttlSeconds` from `now`, with the id `jti`.
    public func issue(subject: String, role: Role, scope: [String], ttlSeconds: Int, now: Date = Date(),
                      jti: String = UUID().lowercasedString) async throws -> String {
        let claims = LotseClaims(
            sub: SubjectClaim(value: subject), exp: ExpirationClaim(value: now.addingTimeInterval(TimeInterval(ttlSeconds))),
            iat: IssuedAtClaim(value: now), jti: IDClaim(value: jti), role: role.rawValue, scope: scope)
        return try await keys.sign(claims, kid: kid)
    }
}
