import JWTKit
import LotseDomain

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

extension JSONValue {
    /// The strings of a string or an array of strings (other values: none): a role or scope claim.
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
    let claims: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(claims)
    }

    /// Times and identity are checked by `TokenVerifier` against its own rules (maximum lifetime, clock skew).
    func verify(using _: some JWTAlgorithm) async throws {}
}
