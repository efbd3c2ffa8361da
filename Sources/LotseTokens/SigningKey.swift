import Crypto
import Foundation
import JWTKit

#if canImport(Glibc)
import Glibc
#endif

/// An ES256 (P-256) private key that signs Lotse tokens. Its key id is the RFC 7638 thumbprint of its public key, so
/// the id follows from the key alone: `lotse token` needs only the private key file, the servers only the JWKS.
public struct SigningKey: Sendable {
    let key: ES256PrivateKey
    /// The key id (`kid`) tokens carry in their header.
    public let kid: String
    let x: String
    let y: String

    init(_ key: ES256PrivateKey) {
        self.key = key
        let p = key.parameters!
        (x, y) = (p.x, p.y)
        kid = Self.thumbprint(x: p.x, y: p.y)
    }

    /// A new random key.
    public static func generate() -> SigningKey { SigningKey(ES256PrivateKey()) }

    /// A key from its PEM text (PKCS#8 or SEC1, as `lotse keys new` writes it).
    public init(pem: String) throws(TokenError) {
        do { self.init(try ES256PrivateKey(pem: pem)) } catch { throw .invalidFile("PEM", "kein ES256-Privatschlüssel / not an ES256 private key") }
    }

    /// Reads a private key file.
    public static func load(path: String) throws(TokenError) -> SigningKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        do { return try SigningKey(pem: String(decoding: data, as: UTF8.self)) } catch { throw .invalidFile(path, "kein ES256-Privatschlüssel (PEM) / not an ES256 private key") }
    }

    /// The private key as PEM.
    public var pem: String { key.pemRepresentation }

    /// The public half as a JSON Web Key (what the JWKS file holds).
    public var publicJWK: [String: String] {
        ["kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid, "x": x, "y": y]
    }

    /// RFC 7638: base64url(SHA-256 of the required members in lexicographic order, no white space).
    static func thumbprint(x: String, y: String) -> String {
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncoded
    }

    /// Writes the private key to a new file readable by its owner only (0600); never overwrites.
    public func write(to path: String) throws(TokenError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw errno == EEXIST ? .fileExists(path) : .unreadable(path) }
        defer { close(fd) }
        let bytes = Array((pem + "\n").utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
            throw .invalidFile(path, "Schreiben fehlgeschlagen / write failed")
        }
    }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL s: some StringProtocol) {
        var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        self.init(base64Encoded: b)
    }
}
