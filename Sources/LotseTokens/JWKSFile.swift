import Foundation

/// The public keys the servers verify tokens with: a JSON Web Key Set file (RFC 7517), Lotse's own keys and/or an
/// identity provider's. `lotse keys new` adds a key, `lotse keys retire` removes one; servers re-read the file when
/// it changes (or on SIGHUP). A key set holding private key material is refused: a server never needs it.
public enum JWKSFile {
    /// One key of the set as an operator sees it.
    public struct Entry: Sendable, Equatable {
        public let kid: String
        public let keyType: String
        /// The algorithm the key is used with (required: a key never takes its algorithm from a token's header).
        public let algorithm: String
    }

    /// The entries of a key set (JSON text), or why it is unusable.
    public static func entries(of data: Data, path: String) throws(TokenError) -> [Entry] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let keys = object["keys"] as? [[String: Any]] else {
            throw .invalidFile(path, "kein JWKS (erwartet {\"keys\": [...]}) / not a JWKS")
        }
        var seen = Set<String>()
        return try keys.enumerated().map { (i, k) throws(TokenError) -> Entry in
            guard let kid = k["kid"] as? String, !kid.isEmpty else { throw .invalidFile(path, "Schlüssel \(i) ohne „kid“ / key without kid") }
            guard seen.insert(kid).inserted else { throw .invalidFile(path, "„kid“ \(kid) doppelt / duplicate kid") }
            guard let kty = k["kty"] as? String, ["EC", "RSA", "OKP"].contains(kty) else {
                throw .invalidFile(path, "Schlüssel \(kid): Typ „\(k["kty"] ?? "")“ nicht zugelassen (EC, RSA, OKP) / key type not allowed")
            }
            if k["d"] != nil || k["p"] != nil { throw .invalidFile(path, "Schlüssel \(kid) enthält privates Material – nur öffentliche Schlüssel / private key material") }
            let allowed: [String: Set<String>] = [
                "EC": ["ES256", "ES384", "ES512"], "RSA": ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"], "OKP": ["EdDSA"],
            ]
            guard let alg = k["alg"] as? String, allowed[kty]?.contains(alg) == true else {
                throw .invalidFile(path, "Schlüssel \(kid): „alg“ fehlt oder passt nicht zu \(kty) (\(allowed[kty]!.sorted().joined(separator: ", "))) / alg missing or wrong")
            }
            return Entry(kid: kid, keyType: kty, algorithm: alg)
        }
    }

    /// Reads a key set file.
    public static func read(path: String) throws(TokenError) -> (data: Data, entries: [Entry]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        return (data, try entries(of: data, path: path))
    }

    /// Adds a public key (creating the file when there is none); refuses a kid the set already has.
    public static func add(_ jwk: [String: String], to path: String) throws(TokenError) {
        var keys = try rawKeys(path, creating: true)
        if keys.contains(where: { $0["kid"] as? String == jwk["kid"] }) { throw .invalidFile(path, "„kid“ \(jwk["kid"] ?? "") gibt es schon / kid exists") }
        keys.append(jwk)
        try write(keys, to: path)
    }

    /// Removes the key `kid`; tokens signed with it are refused from the servers' next reload. The last key is not
    /// removed (a server without keys would refuse every token).
    public static func retire(kid: String, in path: String) throws(TokenError) {
        let keys = try rawKeys(path, creating: false)
        let rest = keys.filter { $0["kid"] as? String != kid }
        guard rest.count < keys.count else { throw .invalidFile(path, "kein Schlüssel mit „kid“ \(kid) / no such kid") }
        guard !rest.isEmpty else { throw .invalidFile(path, "\(kid) ist der letzte Schlüssel – erst einen neuen anlegen (lotse keys new) / last key") }
        try write(rest, to: path)
    }

    private static func rawKeys(_ path: String, creating: Bool) throws(TokenError) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if creating, !FileManager.default.fileExists(atPath: path) { return [] }
            throw .unreadable(path)
        }
        _ = try entries(of: data, path: path)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["keys"] as? [[String: Any]] ?? []
    }

    /// Writes the set to a temporary file and renames it over the old one: a server re-reading it never sees half.
    private static func write(_ keys: [[String: Any]], to path: String) throws(TokenError) {
        guard let data = try? JSONSerialization.data(withJSONObject: ["keys": keys], options: [.prettyPrinted, .sortedKeys]) else {
            throw .invalidFile(path, "nicht als JSON darstellbar")
        }
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data + Data("\n".utf8), attributes: [.posixPermissions: 0o644]),
              rename(tmp, path) == 0
        else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw .invalidFile(path, "Schreiben fehlgeschlagen / write failed")
        }
    }
}
