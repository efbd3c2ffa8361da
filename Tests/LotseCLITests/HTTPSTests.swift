import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// `lotse serve --tls-cert --tls-key`: HTTPS only (HTTP/2 by ALPN, TLS 1.2+), with a certificate from a CA made in the test.
@Suite struct HTTPSTests {
    @Test func lotseServesHTTPSOnly() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = try ThrowawayCA(directory: dir)
        let (cert, key) = try ca.server("lotse")
        let node = try ServerNode(["--db", dir.appendingPathComponent("lotse.sqlite").path, "--demo", "--tls-cert", cert, "--tls-key", key])
        defer { node.stop() }
        #expect(node.base.hasPrefix("https://127.0.0.1:"))
        let dispatcher = try #require(node.token(after: "Leitstelle Vorpommern-Rügen"))
        let port = try #require(node.base.split(separator: ":").last)

        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(try ca.rootFile()))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: trusting))
        var old = trusting
        old.maximumTLSVersion = .tlsv11
        let oldClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: old))
        let strangers = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: node.base + "/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=1")
            request.headers.add(name: "Authorization", value: "Bearer \(dispatcher)")
            let r = try await client.execute(request, timeout: .seconds(10))
            let body = String(buffer: try await r.body.collect(upTo: 1 << 20))
            #expect(r.status == .ok && body.contains("\"hospitalId\":\"772096\""), "\(r.status) \(body)")
            #expect(r.version == .http2, "ALPN chose \(r.version)")
            #expect(r.headers["Strict-Transport-Security"].first == "max-age=31536000")
            #expect(r.headers["X-Content-Type-Options"].first == "nosniff")
            // The web pages come over HTTPS too, with their CSP.
            let page = try await client.execute(HTTPClientRequest(url: node.base + "/"), timeout: .seconds(10))
            #expect(page.status == .ok && page.headers["Content-Security-Policy"].first != nil)

            // Refused: TLS 1.1, a client that does not trust the CA, plain HTTP on the TLS port.
            await #expect(throws: (any Error).self) { _ = try await oldClient.execute(HTTPClientRequest(url: node.base + "/healthz"), timeout: .seconds(5)) }
            await #expect(throws: (any Error).self) { _ = try await strangers.execute(HTTPClientRequest(url: node.base + "/healthz"), timeout: .seconds(5)) }
            var plainAnswered = false
            do {
                let plain = try await strangers.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
                plainAnswered = plain.status == .ok
            } catch {}
            #expect(!plainAnswered, "plain HTTP answered on the TLS port")
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await oldClient.shutdown()
        try await strangers.shutdown()
    }
}
