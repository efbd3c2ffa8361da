import Foundation
import LotseDomain
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
    /// thrown (an operator's typo never locks everyone out). Concurrent reloads (file watch and SIGHUP) cannot install
    /// an older file over a newer one: keys are installed only if the file they came from is still the last one read.
    @discardableResult
    public func reload() async throws(TokenError) -> Bool {
        guard let path = configuration.jwksPath else { return false }
        let content = FileManager.default.contents(atPath: path)
        guard lastRead.withLock({ seen in
            defer { seen = content }
            return seen != content
        }) else { return false }
        let fresh = try await Self.load(configuration)
        let installed = lastRead.withLock { seen in
            guard seen == fresh.jwksData else { return false }
            keys.withLock { $0 = fresh }
            return true
        }
        // Every cached verification is from the old keys (and a verification still running with them is not stored:
        // the cache's generation moved on).
        if installed { verified.removeAll() }
        return installed
    }

    /// Whether a principal's token still holds at `now` (not revoked, not expired): checked again by long-lived
    /// requests such as event streams.
    public func stillValid(_ p: AuthenticatedPrincipal, now: Date = Date()) -> Bool {
        if let jti = p.tokenID, revocations.contains(jti) { return false }
        if let exp = p.expires, now >= exp { return false }
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
        // The cache generation first, then the keys: a reload in between makes this verification uncacheable.
        let generation = verified.generation
        let k = keys.withLock { $0 }
        let collection: JWTKeyCollection
        switch header.alg {
        case "HS256":
            guard let dev = k.dev else { throw .algorithmNotAllowed("HS256") }
            collection = dev
        case "ES256", "ES384", "ES512", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
            guard let kid = header.kid, let entry = k.kids[kid] else { throw .unknownKey(header.kid) }
            // The key's own algorithm, never the one the token claims (a key is never used with another algorithm).
            guard entry.algorithm == header.alg else { throw .algorithmNotAllowed(header.alg) }
            collection = k.asymmetric
        default:
            throw .algorithmNotAllowed(header.alg)
        }
        let claims: [String: JSONValue]
        do { claims = try await collection.verify(token, as: RawClaims.self).claims } catch { throw .badSignature }
        let (principal, jti, exp) = try check(claims, now: now)
        guard !revocations.contains(jti) else { throw .revoked }
        verified.remember(token, principal, jti: jti, until: exp, generation: generation)
        return principal
    }

    /// The lifetime rules and the mapping.
    private func check(_ claims: [String: JSONValue], now: Date) throws(TokenError) -> (AuthenticatedPrincipal, String, Date) {
        guard let exp = claims["exp"]?.number else { throw .missingClaim("exp") }
        guard let iat = claims["iat"]?.number else { throw .missingClaim("iat") }
        // A token id must be one that can be revoked (1–200 visible ASCII characters, as `TokenRevoked` takes).
        guard case let .string(jti)? = claims["jti"], (1...200).contains(jti.utf8.count), jti.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { throw .missingClaim("jti") }
        let t = now.timeIntervalSince1970, skew = Double(configuration.clockSkewSeconds)
        guard t < exp else { throw .expired }
        var nbf = 0.0
        if let raw = claims["nbf"] {
            guard let n = raw.number else { throw .missingClaim("nbf") }
            nbf = n
        }
        guard iat <= t + skew, nbf <= t + skew else { throw .notYetValid }
        let lifetime = exp - iat
        guard lifetime <= Double(configuration.maxLifetimeSeconds) else {
            throw .lifetimeTooLong(seconds: Int(min(lifetime, 1e12)), maximum: configuration.maxLifetimeSeconds)
        }
        let expires = Date(timeIntervalSince1970: exp)
        let p = try configuration.mapping.principal(from: claims)
        return (AuthenticatedPrincipal(subject: p.subject, role: p.role, scope: p.scope, tokenID: jti, expires: expires), jti, expires)
    }

    /// `alg` and `kid` of the token's header (read before any key is chosen).
    static func header(of token: String) throws(TokenError) -> (alg: String, kid: String?) {
        guard let h = (try? JSONSerialization.jsonObject(with: try part(0, of: token))) as? [String: Any], let alg = h["alg"] as? String else {
            throw .malformed
        }
        return (alg, h["kid"] as? String)
    }

    /// The claims of a token without verifying it (to show an operator which `jti` a token has).
    public static func unverifiedClaims(of token: String) throws(TokenError) -> [String: JSONValue] {
        guard let claims = try? JSONDecoder().decode([String: JSONValue].self, from: try part(1, of: token)) else { throw .malformed }
        return claims
    }

    /// One of the three base64url parts of a JWT, decoded.
    private static func part(_ i: Int, of token: String) throws(TokenError) -> Data {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URL: parts[i]) else { throw .malformed }
        return data
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

    /// Entries, and the generation they belong to (moved on by every key reload).
    private let entries = Mutex<(map: [String: Entry], generation: Int)>(([:], 0))
    static let capacity = 4096

    var generation: Int { entries.withLock { $0.generation } }

    func lookup(_ token: String, now: Date) -> (AuthenticatedPrincipal, String)? {
        entries.withLock { e in
            guard let hit = e.map[token] else { return nil }
            guard now < hit.exp else {
                e.map[token] = nil
                return nil
            }
            return (hit.principal, hit.jti)
        }
    }

    /// Stores a verification made with the keys of `generation`; one made with keys replaced since is dropped.
    func remember(_ token: String, _ p: AuthenticatedPrincipal, jti: String, until exp: Date, generation: Int) {
        entries.withLock { e in
            guard e.generation == generation else { return }
            if e.map.count >= Self.capacity { e.map.removeAll(keepingCapacity: true) }
            e.map[token] = Entry(principal: p, jti: jti, exp: exp)
        }
    }

    func removeAll() {
        entries.withLock { e in
            e.map.removeAll()
            e.generation += 1
        }
    }
}
