/// Why a token, a key or a key file was refused. The description is one line, German first, for the CLI and the log;
/// callers of the API only ever learn "invalid or expired token" (401).
public enum TokenError: Error, Equatable, CustomStringConvertible {
    case secretTooShort
    case unreadable(String)
    case invalidFile(String, String)
    case fileExists(String)
    case malformed
    case algorithmNotAllowed(String)
    case unknownKey(String?)
    case badSignature
    case missingClaim(String)
    case expired
    case notYetValid
    case lifetimeTooLong(seconds: Int, maximum: Int)
    case wrongIssuer
    case wrongAudience
    case unknownRole(String)
    case ambiguousRole([String])
    case revoked
    case noKeys

    public var description: String {
        switch self {
        case .secretTooShort: "Entwicklungs-Schlüssel zu kurz (mindestens 32 Zeichen) / dev secret too short"
        case let .unreadable(p): "Datei \(p) nicht lesbar / cannot read file"
        case let .invalidFile(p, why): "Datei \(p) ungültig: \(why) / invalid file"
        case let .fileExists(p): "Datei \(p) gibt es schon – nichts überschrieben / file exists, not overwritten"
        case .malformed: "Token hat nicht die Form eines JWT / malformed token"
        case let .algorithmNotAllowed(a): "Algorithmus „\(a)“ nicht zugelassen / algorithm not allowed"
        case let .unknownKey(kid): "Schlüssel „\(kid ?? "(ohne kid)")“ unbekannt oder zurückgezogen / unknown or retired key"
        case .badSignature: "Signatur ungültig / bad signature"
        case let .missingClaim(c): "Claim „\(c)“ fehlt / missing claim"
        case .expired: "Token abgelaufen / expired"
        case .notYetValid: "Token noch nicht gültig (iat/nbf in der Zukunft) / not yet valid"
        case let .lifetimeTooLong(s, m): "Token gilt \(s / 60) min, erlaubt sind höchstens \(m / 60) min / lifetime too long"
        case .wrongIssuer: "Aussteller (iss) nicht zugelassen / wrong issuer"
        case .wrongAudience: "Empfänger (aud) passt nicht / wrong audience"
        case let .unknownRole(r): "Unbekannte Rolle „\(r)“ / unknown role"
        case let .ambiguousRole(rs): "Mehrdeutige Rolle (\(rs.joined(separator: ", "))) / ambiguous role"
        case .revoked: "Token widerrufen / revoked"
        case .noKeys: "Keine Prüfschlüssel: JWKS-Datei leer und kein Entwicklungs-Schlüssel / no verification keys"
        }
    }
}
