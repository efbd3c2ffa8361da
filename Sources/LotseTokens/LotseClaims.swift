import JWTKit

/// The claims of a token Lotse issues (`lotse token`, the demo): who, which role, which scope, its id and lifetime.
public struct LotseClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    public var iat: IssuedAtClaim
    /// The token's id: what `lotse revoke --jti` names.
    public var jti: IDClaim
    /// `hospital`, `dispatcher`, `crew`, `physician` or `admin`.
    public var role: String
    /// Hospital ids, districts, a unit or a centre; `*` for admins.
    public var scope: [String]

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// A JSON value of a token's payload as its issuer sent it (Lotse, or an identity provider such as Keycloak).
public enum ClaimValue: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ClaimValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ClaimValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .string(s): try c.encode(s)
        case let .number(n): try c.encode(n)
        case let .bool(b): try c.encode(b)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    /// The strings of a string or an array of strings (other values: none).
    var strings: [String] {
        switch self {
        case let .string(s): [s]
        case let .array(a): a.flatMap(\.strings)
        default: []
        }
    }

    var number: Double? { if case let .number(n) = self { n } else { nil } }
}

/// Every claim of a token, undecoded: the verifier checks the times, the mapping picks subject, role and scope.
struct RawClaims: JWTPayload {
    let claims: [String: ClaimValue]

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(claims)
    }

    /// Times and identity are checked by `TokenVerifier` against its own rules (maximum lifetime, clock skew).
    func verify(using _: some JWTAlgorithm) async throws {}
}
