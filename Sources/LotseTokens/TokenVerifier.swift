import Foundation
import JWTKit
import Synchronization

/// Verifies bearer tokens: asymmetric tokens (ES256, EdDSA, RS256/PS256 of an identity provider) against the public
/// keys of a JWKS file, chosen by the header's `kid` — a token whose key is unknown or retired is refused, never
/// tried against another key —, and HS256 only when a development secret is configured. Checks `exp`, `iat`,
/// `jti` (required), `nbf`, the maximum lifetime, the claims mapping (role, scope, issuer, audience) and the
/// revocation list. Verified tokens are remembered until they expire, so a client that sends the same token again
/// costs one dictionary look-up (plus the revocation check); a key reload empties that cache.
public final class TokenVerifier: Sendable {
    public struct Configuration: Sendable {
        /// The JWKS file (public keys); nil: only the development secret.
        public var jwksPath: String?
        /// HS256 secret, development only (`--dev-secret`); nil in production.
        public var devSecret: String?
        public var mapping = ClaimsMapping.lotse
        /// The longest lifetime (`exp − iat`) a token may have.
        public var maxLifetimeSeconds = 12 * 3600
        /// How far a token's `iat`/`nbf` may lie in the future (clocks of issuer and server differ).
        public var clockSkewSeconds = 60

        public init(jwksPath: String? = nil, devSecret: String? = nil) {
            self.jwksPath = jwksPath
            self.devSecret = devSecret
        }
    }

    /// The keys in use, swapped as a whole on reload.
    private struct Keys: Sendable {
        let asymmetric: JWTKeyCollection
        let kids: [String: JWKSFile.Entry]
        let dev: JWTKeyCollection?
        let jwksData: Data?
    }

    public let configuration: Configuration
    public let revocations: RevocationList
    private let keys: Mutex<Keys>
    /// The JWKS file's content at the last reload attempt (a broken file is reported once, not every second).
    private let lastRead = Mutex<Data?>(nil)
    private let verified = VerifiedTokens()

    public init(_ configuration: Configuration, revocations: RevocationList = RevocationList()) async throws(TokenError) {
        self.configuration = configuration
        self.revocations = revocations
        let loaded = try await Self.load(configuration)
        keys = Mutex(loaded)
        lastRead.withLock { $0 = loaded.jwksData }
    }

    private static func load(_ c: Configuration) async throws(TokenError) -> Keys {
        let asymmetric = JWTKeyCollection()
        var kids: [String: JWKSFile.Entry] = [:]
        var data: Data? = nil
        if let path = c.jwksPath {
            let (d, entries) = try JWKSFile.read(path: path)
            do { try await asymmetric.add(jwksJSON: String(decoding: d, as: UTF8.self)) } catch {
                throw .invalidFile(path, "Schlüssel nicht lesbar: \(error)")
            }
            for e in entries { kids[e.kid] = e }
            data = d
        }
        var dev: JWTKeyCollection? = nil
        if let secret = c.devSecret {
            guard secret.utf8.count >= 32 else { throw .secretTooShort }
            let k = JWTKeyCollection()
            await k.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            dev = k
        }
        guard !kids.isEmpty || dev != nil else { throw .noKeys }
        return Keys(asymmetric: asymmetric, kids: kids, dev: dev, jwksData: data)
    }

    /// Re-reads the JWKS file. Returns whether the keys changed; on a bad file the keys in use stay and the error is
    /// thrown (an operator's typo never locks everyone out).
    @discardableResult
    public func reload() async throws(TokenError) -> Bool {
        guard let path = configuration.jwksPath else { return false }
        let content = FileManager.default.contents(atPath: path)
        guard lastRead.withLock({ seen in
            defer { seen = content }
            return seen != content
        }) else { return false }
        let fresh = try await Self.load(configuration)
        keys.withLock { $0 = fresh }
        verified.removeAll()
        return true
    }

    /// The key ids accepted now.
    public var keyIDs: [String] { keys.withLock { $0.kids.keys.sorted() } }

    /// The principal of a valid token, or why it is not valid.
    public func verify(_ token: String, now: Date = Date()) async throws(TokenError) -> AuthenticatedPrincipal {
        if let (principal, jti) = verified.lookup(token, now: now) {
            guard !revocations.contains(jti) else { throw .revoked }
            return principal
        }
        let header = try Self.header(of: token)
        let k = keys.withLock { $0 }
        let collection: JWTKeyCollection
        switch header.alg {
        case "HS256":
            guard let dev = k.dev else { throw .algorithmNotAllowed("HS256") }
            collection = dev
        case "ES256", "ES384", "ES512", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
            guard let kid = header.kid, k.kids[kid] != nil else { throw .unknownKey(header.kid) }
            collection = k.asymmetric
        default:
            throw .algorithmNotAllowed(header.alg)
        }
        let claims: [String: ClaimValue]
        do { claims = try await collection.verify(token, as: RawClaims.self).claims } catch { throw .badSignature }
        let (principal, jti, exp) = try check(claims, now: now)
        guard !revocations.contains(jti) else { throw .revoked }
        verified.remember(token, principal, jti: jti, until: exp)
        return principal
    }

    /// The lifetime rules and the mapping.
    private func check(_ claims: [String: ClaimValue], now: Date) throws(TokenError) -> (AuthenticatedPrincipal, String, Date) {
        guard let exp = claims["exp"]?.number else { throw .missingClaim("exp") }
        guard let iat = claims["iat"]?.number else { throw .missingClaim("iat") }
        guard case let .string(jti)? = claims["jti"], !jti.isEmpty else { throw .missingClaim("jti") }
        let t = now.timeIntervalSince1970, skew = Double(configuration.clockSkewSeconds)
        guard t < exp else { throw .expired }
        guard iat <= t + skew, (claims["nbf"]?.number ?? 0) <= t + skew else { throw .notYetValid }
        guard exp - iat <= Double(configuration.maxLifetimeSeconds) else {
            throw .lifetimeTooLong(seconds: Int(exp - iat), maximum: configuration.maxLifetimeSeconds)
        }
        return (try configuration.mapping.principal(from: claims), jti, Date(timeIntervalSince1970: exp))
    }

    /// `alg` and `kid` of the token's header (read before any key is chosen).
    static func header(of token: String) throws(TokenError) -> (alg: String, kid: String?) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URL: parts[0]),
              let h = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let alg = h["alg"] as? String
        else { throw .malformed }
        return (alg, h["kid"] as? String)
    }

    /// The claims of a token without verifying it (to show an operator which `jti` a token has).
    public static func unverifiedClaims(of token: String) throws(TokenError) -> [String: ClaimValue] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URL: parts[1]),
              let claims = try? JSONDecoder().decode([String: ClaimValue].self, from: data)
        else { throw .malformed }
        return claims
    }
}

/// Tokens already verified, with their principal, id and expiry. Only a token string that verified is stored, and
/// it is used only before its `exp`; when full, the cache starts over (a re-verification is the only cost).
final class VerifiedTokens: Sendable {
    private struct Entry {
        let principal: AuthenticatedPrincipal
        let jti: String
        let exp: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    static let capacity = 4096

    func lookup(_ token: String, now: Date) -> (AuthenticatedPrincipal, String)? {
        entries.withLock { e in
            guard let hit = e[token] else { return nil }
            guard now < hit.exp else {
                e[token] = nil
                return nil
            }
            return (hit.principal, hit.jti)
        }
    }

    func remember(_ token: String, _ p: AuthenticatedPrincipal, jti: String, until exp: Date) {
        entries.withLock { e in
            if e.count >= Self.capacity { e.removeAll(keepingCapacity: true) }
            e[token] = Entry(principal: p, jti: jti, exp: exp)
        }
    }

    func removeAll() { entries.withLock { $0.removeAll() } }
}
