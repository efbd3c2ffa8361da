import JWTKit

/// The claims of a Lotse bearer token.
public struct LotseClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    public var iat: IssuedAtClaim
    /// `hospital`, `dispatcher`, `crew`, `physician` or `admin`.
    public var role: String
    /// Hospital ids, districts, a unit or a centre; `*` for admins.
    public var scope: [String]

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
