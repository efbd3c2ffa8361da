import Foundation
import NIOSSL

/// HTTPS for `lotse serve --tls-cert FILE --tls-key FILE`: the files are read and checked at start (readable, a
/// certificate chain and a private key in PEM, the key belongs to the certificate, the certificate valid now), and the
/// server then speaks TLS only — HTTP/2 and HTTP/1.1 by ALPN — with the protocol versions and cipher suites of
/// BSI TR-02102-2 (`Docs/SECURITY.md`).
public enum TLSSettings {
    /// Why the TLS files cannot be used; one line for the operator.
    public enum SetupError: Error, CustomStringConvertible, Equatable {
        case unreadable(String)
        case notACertificate(String)
        case notAKey(String)
        case keyDoesNotMatch(String)
        case expired(String)
        case notYetValid(String)

        public var description: String {
            switch self {
            case let .unreadable(p): "TLS-Datei \(p) nicht lesbar / cannot read TLS file"
            case let .notACertificate(p): "\(p) enthält kein Zertifikat im PEM-Format / no PEM certificate"
            case let .notAKey(p): "\(p) enthält keinen privaten Schlüssel im PEM-Format (ohne Passwort) / no PEM private key"
            case let .keyDoesNotMatch(why): "Der private Schlüssel passt nicht zum Zertifikat (TLS: \(why)) / key does not match the certificate"
            case let .expired(t): "Das Zertifikat ist abgelaufen (gültig bis \(t)) / certificate expired"
            case let .notYetValid(t): "Das Zertifikat ist noch nicht gültig (ab \(t)) / certificate not yet valid"
            }
        }
    }

    /// TLS 1.2 suites of BSI TR-02102-2 with forward secrecy and AEAD (ECDHE with AES-GCM). TLS 1.3 suites are
    /// BoringSSL's fixed set (AES-GCM and ChaCha20-Poly1305).
    public static let cipherSuites = [
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
    ].joined(separator: ":")

    /// The server configuration from the two PEM files, checked as described above.
    public static func server(certificate certPath: String, key keyPath: String, now: Date = Date()) throws(SetupError) -> TLSConfiguration {
        guard let certData = FileManager.default.contents(atPath: certPath) else { throw .unreadable(certPath) }
        guard let keyData = FileManager.default.contents(atPath: keyPath) else { throw .unreadable(keyPath) }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(Array(certData)) } catch { throw .notACertificate(certPath) }
        guard let leaf = chain.first else { throw .notACertificate(certPath) }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: Array(keyData), format: .pem) } catch { throw .notAKey(keyPath) }
        let t = time_t(now.timeIntervalSince1970)
        let format = { (v: time_t) in ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(v))) }
        guard leaf.notValidAfter > t else { throw .expired(format(leaf.notValidAfter)) }
        guard leaf.notValidBefore <= t else { throw .notYetValid(format(leaf.notValidBefore)) }
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        c.minimumTLSVersion = .tlsv12
        c.cipherSuites = cipherSuites
        c.curves = [.secp256r1, .secp384r1]  // the NIST curves of TR-02102-2 BoringSSL offers (no Brainpool)
        // BoringSSL refuses a key that does not belong to the leaf certificate when the context is made.
        do { _ = try NIOSSLContext(configuration: c) } catch { throw .keyDoesNotMatch("\(error)") }
        return c
    }
}
