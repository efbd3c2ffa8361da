import AsyncHTTPClient
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lotse serve` re-reads its JWKS on SIGHUP (and on change); SIGHUP never stops it.
@Suite struct KeyReloadTests {
    let http = HTTP(client: .shared)

    @Test func sighupReloadsTheKeysAndTheServerKeepsRunning() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lotse.sqlite").path
        // No file watch: only SIGHUP can make the server see the new key.
        let node = try ServerNode(["--db", db, "--demo", "--jwks-poll-seconds", "0"])
        defer { node.stop() }
        let next = dir.appendingPathComponent("next.pem").path
        #expect(try CLIRunner.run(["keys", "new", "--db", db, "--key", next]).status == 0)
        let token = try CLIRunner.run(["token", "--db", db, "--key", next, "--role", "crew", "--scope", "RTW-Bergen-1"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var status = 0
        for _ in 0..<50 where status != 200 {
            // Sent again until it works: the signal handler is installed by a service that starts with the server.
            kill(node.process.processIdentifier, SIGHUP)
            try await Task.sleep(for: .milliseconds(50))
            status = try await http.send(.GET, node.base + "/v1/hospitals/772096", token: token).status
            if status != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(status == 200, "a token of the new key was not accepted after SIGHUP")
        #expect(node.process.isRunning)
        #expect(node.printed.contains("verification keys reloaded") && node.printed.contains("lotse.trigger=SIGHUP"))

        // Without a JWKS file (development secret only) SIGHUP changes nothing and stops nothing.
        let dev = try ServerNode(["--db", dir.appendingPathComponent("dev.sqlite").path, "--dev-secret", "sighup-test-0123456789abcdef0123456789"])
        defer { dev.stop() }
        kill(dev.process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        #expect(dev.process.isRunning)
        #expect(try await http.send(.GET, dev.base + "/healthz").status == 200)
    }
}
