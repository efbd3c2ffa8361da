import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made for one test: a P-256 root and server certificates for 127.0.0.1 it signs, written as
/// PEM files into a directory.
struct ThrowawayCA {
    let key = P256.Signing.PrivateKey()
    let certificate: Certificate
    let directory: URL

    init(directory: URL) throws {
        self.directory = directory
        let name = try DistinguishedName { CommonName("Lotse Test-CA (Wegwerf)") }
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: Date().addingTimeInterval(86400), issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
    }

    /// The root certificate's PEM file (what a client trusts).
    func rootFile() throws -> String {
        let path = directory.appendingPathComponent("ca.pem").path
        try certificate.serializeAsPEM().pemString.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A server certificate for 127.0.0.1 and its key, as files `name.crt` and `name.key`.
    func server(_ name: String, validFrom: Date = Date().addingTimeInterval(-60), until: Date = Date().addingTimeInterval(3600)) throws -> (cert: String, key: String) {
        let serverKey = P256.Signing.PrivateKey()
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey), notValidBefore: validFrom, notValidAfter: until,
            issuer: certificate.subject, subject: try DistinguishedName { CommonName("127.0.0.1") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                try ExtendedKeyUsage([.serverAuth])
            },
            issuerPrivateKey: .init(key))
        let certPath = directory.appendingPathComponent("\(name).crt").path, keyPath = directory.appendingPathComponent("\(name).key").path
        try cert.serializeAsPEM().pemString.write(toFile: certPath, atomically: true, encoding: .utf8)
        try serverKey.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        return (certPath, keyPath)
    }
}
