import Foundation
import LotseDomain

/// Which claims of a token name the subject, the Lotse role and the scope — Lotse's own names by default, an
/// identity provider's by configuration (`--claims-mapping FILE`, JSON; `Docs/SECURITY.md` shows Keycloak's).
///
/// A claim name may be a dotted path into nested objects (`realm_access.roles`); a name that exists as it is wins.
/// The role claim may be a string or an array of strings; exactly one of its values must map to a Lotse role
/// (none or two different ones: refused — a token never gets a role by the order of its values). The scope claim is
/// a string or an array of strings.
public struct ClaimsMapping: Codable, Sendable, Equatable {
    public var subject = "sub"
    public var role = "role"
    public var scope = "scope"
    /// The provider's role names → Lotse's roles (`hospital`, `dispatcher`, `crew`, `physician`, `admin`); empty:
    /// the role claim holds Lotse's names.
    public var roles: [String: Role] = [:]
    /// When set, the `iss` claim must equal it.
    public var issuer: String?
    /// When set, the `aud` claim (string or array) must contain it.
    public var audience: String?

    public init() {}

    /// Lotse's own tokens: `sub`, `role`, `scope`.
    public static let lotse = ClaimsMapping()

    private enum Keys: String, CodingKey, CaseIterable { case subject, role, scope, roles, issuer, audience }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        subject = try c.decodeIfPresent(String.self, forKey: .subject) ?? "sub"
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? "role"
        scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? "scope"
        roles = try c.decodeIfPresent([String: Role].self, forKey: .roles) ?? [:]
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        audience = try c.decodeIfPresent(String.self, forKey: .audience)
    }

    /// Reads a mapping file; unknown keys and unknown Lotse roles are refused with one line naming them.
    public static func load(path: String) throws(TokenError) -> ClaimsMapping {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .invalidFile(path, "kein JSON-Objekt / not a JSON object")
        }
        let known = Set(Keys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidFile(path, "unbekannter Schlüssel „\(unknown)“ (erlaubt: \(known.sorted().joined(separator: ", ")))")
        }
        do { return try JSONDecoder().decode(ClaimsMapping.self, from: data) } catch {
            throw .invalidFile(path, "\(error)")
        }
    }

    /// The value of a claim by name or dotted path.
    static func value(_ name: String, in claims: [String: JSONValue]) -> JSONValue? {
        if let v = claims[name] { return v }
        var current: JSONValue = .object(claims)
        for part in name.split(separator: ".") {
            guard case let .object(o) = current, let next = o[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// The principal the claims name, or why they do not name one.
    public func principal(from claims: [String: JSONValue]) throws(TokenError) -> AuthenticatedPrincipal {
        if let issuer, Self.value("iss", in: claims) != .string(issuer) { throw .wrongIssuer }
        if let audience, !(Self.value("aud", in: claims)?.strings.contains(audience) ?? false) { throw .wrongAudience }
        guard case let .string(sub)? = Self.value(subject, in: claims), !sub.isEmpty else { throw .missingClaim(subject) }
        guard let roleValue = Self.value(role, in: claims) else { throw .missingClaim(role) }
        let mapped = Set(roleValue.strings.compactMap { roles.isEmpty ? Role(rawValue: $0) : roles[$0] })
        guard mapped.count == 1, let r = mapped.first else {
            throw mapped.isEmpty ? .unknownRole(roleValue.strings.joined(separator: ",")) : .ambiguousRole(mapped.map(\.rawValue).sorted())
        }
        let scopes = Self.value(scope, in: claims)?.strings.filter { !$0.isEmpty } ?? []
        guard !scopes.isEmpty else { throw .missingClaim(scope) }
        return AuthenticatedPrincipal(subject: sub, role: r, scope: Set(scopes))
    }
}
