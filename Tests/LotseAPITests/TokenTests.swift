import Foundation
import LotseDomain
import HTTPTypes
import HummingbirdTesting
import JWTKit
import LotseAPI
import LotseSeed
import LotseTokens
import Testing

/// Asymmetric tokens with key ids, rotation while the server runs, revocation, and the claims mapping of an
/// external identity provider.
@Suite struct TokenTests {
    func get(_ client: some TestClientProtocol, _ token: String, _ uri: String = "/v1/hospitals/772096") async throws -> HTTPResponse.Status {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]).status
    }

    /// Polls until `uri` answers `status` for `token` (the server re-reads the JWKS file within about a second).
    func eventually(_ client: some TestClientProtocol, _ token: String, _ status: HTTPResponse.Status) async throws -> Bool {
        for _ in 0..<100 {
            if try await get(client, token) == status { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func keysRotateWithTheServerRunning() async throws {
        let f = try await APIFixture.make()
        let next = SigningKey.generate()
        let newIssuer = await TokenIssuer(signingKey: next)
        let old = try await f.issuer.issue(subject: "alt", role: .dispatcher, scope: ["Vorpommern-Rügen"], ttlSeconds: 3600)
        let new = try await newIssuer.issue(subject: "neu", role: .dispatcher, scope: ["Vorpommern-Rügen"], ttlSeconds: 3600)
        try await f.run { client in
            #expect(try await get(client, old) == .ok)
            #expect(try await get(client, new) == .unauthorized)  // its key is not published yet
            // 1. Publish the new key: its tokens work, the old ones still do.
            try JWKSFile.add(next.publicJWK, to: f.jwksPath)
            #expect(try await eventually(client, new, .ok), "new key not picked up")
            #expect(try await get(client, old) == .ok)
            // 2. Retire the old key: its tokens are refused (also the one in the verified-token cache), the new ones work.
            try JWKSFile.retire(kid: f.signingKey.kid, in: f.jwksPath)
            #expect(try await eventually(client, old, .unauthorized), "retired key still accepted")
            #expect(try await get(client, new) == .ok)
            // 3. A broken file leaves the keys in use (a token never seen before still verifies with them).
            try Data("{ kaputt".utf8).write(to: URL(fileURLWithPath: f.jwksPath))
            try await Task.sleep(for: .milliseconds(1500))
            let fresh = try await newIssuer.issue(subject: "neu-2", role: .dispatcher, scope: ["Vorpommern-Rügen"], ttlSeconds: 3600)
            #expect(try await get(client, fresh) == .ok)
        }
    }

    /// An event stream opened with a token ends when the token is revoked: no more events after the revocation.
    @Test func anOpenEventStreamEndsWhenItsTokenIsRevoked() async throws {
        let f = try await APIFixture.make()
        let crew = try await f.issuer.issue(subject: "rtw-1", role: .crew, scope: ["RTW-1"], ttlSeconds: 3600, jti: "stream-tablet")
        try await f.run { client in
            let port = try #require(client.port)
            let stream = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(crew)"], timeout: 10)
            #expect(await stream.read { $0.contains("Lotse-Ereignisse") }.hasPrefix("HTTP/1.1 200"))
            let r = try await client.execute(uri: "/v1/revocations", method: .post, headers: f.headers(.admin),
                                             body: body(#"{"jti":"stream-tablet","reason":"Tablet gestohlen"}"#))
            #expect(r.status == .created)
            _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"beds":{"normal":{"free":3,"operable":40}}}"#))
            // The stream is closed by the server (chunked encoding's last chunk), and the bed report never reached it.
            let text = await stream.read { $0.contains("\r\n0\r\n\r\n") }
            #expect(text.contains("\r\n0\r\n\r\n"), "stream still open: \(text)")
            #expect(!text.contains("BedCountsReported") && !text.contains("TokenRevoked"))
        }
    }

    @Test func aRevokedTokenIsRefusedFromTheProjectionStepThatAppliesIt() async throws {
        let f = try await APIFixture.make()
        let jti = "tablet-rtw-1"
        let crew = try await f.issuer.issue(subject: "rtw-1", role: .crew, scope: ["RTW-1"], ttlSeconds: 3600, jti: jti)
        let admin = try #require(f.tokens[.admin])
        try await f.run { client in
            #expect(try await get(client, crew) == .ok)  // verified once: in the cache now
            // Only admins revoke; the body is validated.
            let asCrew = try await client.execute(uri: "/v1/revocations", method: .post, headers: f.headers(.crew),
                                                  body: body(#"{"jti":"\#(jti)","reason":"x"}"#))
            #expect(asCrew.status == .forbidden)
            let noReason = try await client.execute(uri: "/v1/revocations", method: .post, headers: f.headers(.admin),
                                                    body: body(#"{"jti":"\#(jti)","reason":" "}"#))
            #expect(noReason.status == .unprocessableContent && noReason.json["field"] as? String == "reason")

            let r = try await client.execute(uri: "/v1/revocations", method: .post, headers: f.headers(.admin),
                                             body: body(#"{"jti":"\#(jti)","reason":"Tablet gestohlen"}"#))
            #expect(r.status == .created, "\(r.text)")
            let position = try #require(r.json["position"] as? Int)
            #expect(try await get(client, admin, "/v1/board?minPosition=\(position)") == .ok)
            #expect(try await get(client, crew) == .unauthorized)
            // Revoking again writes nothing; the list shows who revoked it and why.
            let again = try await client.execute(uri: "/v1/revocations", method: .post, headers: f.headers(.admin),
                                                 body: body(#"{"jti":"\#(jti)","reason":"nochmal"}"#))
            #expect(again.status == .ok && again.json["newlyRevoked"] as? Bool == false)
            let list = try await client.execute(uri: "/v1/revocations", method: .get, headers: f.headers(.admin))
            let entries = try #require(list.json["revocations"] as? [[String: Any]])
            #expect(entries.count == 1 && entries[0]["reason"] as? String == "Tablet gestohlen" && entries[0]["principal"] as? String == "admin:test-admin")
            // Other tokens are untouched.
            #expect(try await get(client, try #require(f.tokens[.crew])) == .ok)
            // A node started later on the same log refuses it too: the revocations are read at start.
            let fresh = try await TokenVerifier(.init(jwksPath: f.jwksPath))
            #expect(try await fresh.verify(crew).role == .crew)
            var config = f.api.configuration
            config.tokens = fresh
            let later = try LotseAPIServices(store: f.store, snapshots: f.store, table: try ReferenceData.requirementTable(), configuration: config)
            _ = try await later.start()
            await #expect(throws: TokenError.revoked) { try await fresh.verify(crew) }
        }
    }

    /// A Keycloak-shaped access token: roles in `realm_access.roles`, the user in `preferred_username`, the scope in a
    /// custom claim, issuer and audience checked.
    struct KeycloakClaims: JWTPayload {
        var iss = IssuerClaim(value: "https://sso.example.de/realms/mv")
        var aud = AudienceClaim(value: ["lotse"])
        var exp = ExpirationClaim(value: Date().addingTimeInterval(300))
        var iat = IssuedAtClaim(value: Date())
        var jti = IDClaim(value: UUID().uuidString)
        var preferred_username = "m.mustermann"
        var realm_access: [String: [String]] = ["roles": ["offline_access", "lotse-leitstelle"]]
        var lotse_scope = ["Vorpommern-Rügen"]
        func verify(using _: some JWTAlgorithm) async throws {}
    }

    @Test func anIdentityProvidersClaimsAreMappedByConfiguration() async throws {
        var mapping = ClaimsMapping()
        mapping.subject = "preferred_username"
        mapping.role = "realm_access.roles"
        mapping.scope = "lotse_scope"
        mapping.roles = ["lotse-leitstelle": .dispatcher, "lotse-klinik": .hospital]
        mapping.issuer = "https://sso.example.de/realms/mv"
        mapping.audience = "lotse"
        let key = SigningKey.generate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-idp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let jwks = dir.appendingPathComponent("jwks.json").path
        try JWKSFile.add(key.publicJWK, to: jwks)
        var config = TokenVerifier.Configuration(jwksPath: jwks)
        config.mapping = mapping
        let verifier = try await TokenVerifier(config)
        let idp = JWTKeyCollection()
        await idp.add(ecdsa: try ES256PrivateKey(pem: key.pem), kid: JWKIdentifier(string: key.kid))
        func sign(_ c: KeycloakClaims) async throws -> String { try await idp.sign(c, kid: JWKIdentifier(string: key.kid)) }

        let p = try await verifier.verify(try await sign(KeycloakClaims()))
        #expect(p.subject == "m.mustermann" && p.role == .dispatcher && p.scope == ["Vorpommern-Rügen"])
        var twoRoles = KeycloakClaims()
        twoRoles.realm_access = ["roles": ["lotse-leitstelle", "lotse-klinik"]]
        await #expect(throws: TokenError.ambiguousRole(["dispatcher", "hospital"])) { try await verifier.verify(try await sign(twoRoles)) }
        var noRole = KeycloakClaims()
        noRole.realm_access = ["roles": ["offline_access"]]
        await #expect(throws: TokenError.self) { try await verifier.verify(try await sign(noRole)) }
        var otherRealm = KeycloakClaims()
        otherRealm.iss = IssuerClaim(value: "https://sso.example.de/realms/other")
        await #expect(throws: TokenError.wrongIssuer) { try await verifier.verify(try await sign(otherRealm)) }
        var otherClient = KeycloakClaims()
        otherClient.aud = AudienceClaim(value: ["account"])
        await #expect(throws: TokenError.wrongAudience) { try await verifier.verify(try await sign(otherClient)) }
        // Without a kid the key cannot be chosen: refused, never tried against "some" key.
        let noKid = try await idp.sign(KeycloakClaims())
        await #expect(throws: TokenError.unknownKey(nil)) { try await verifier.verify(noKid) }
    }

    @Test func aMappingFileIsCheckedWhenItIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.json").path
        try Data(#"{"role":"realm_access.roles","roles":{"lotse-leitstelle":"dispatcher"},"subject":"preferred_username"}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try ClaimsMapping.load(path: path).roles == ["lotse-leitstelle": .dispatcher])
        try Data(#"{"rolle":"x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TokenError.self) { try ClaimsMapping.load(path: path) }
        try Data(#"{"roles":{"x":"pilot"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TokenError.self) { try ClaimsMapping.load(path: path) }
    }

    @Test func aKeySetWithPrivateKeyMaterialIsRefused() throws {
        let key = SigningKey.generate()
        var jwk: [String: Any] = key.publicJWK
        jwk["d"] = "secret"
        let data = try JSONSerialization.data(withJSONObject: ["keys": [jwk]])
        #expect(throws: TokenError.self) { try JWKSFile.entries(of: data, path: "x") }
        // Every key names its algorithm, and one that fits its type (never taken from a token's header).
        var noAlg: [String: Any] = key.publicJWK
        noAlg["alg"] = nil
        #expect(throws: TokenError.self) { try JWKSFile.entries(of: try JSONSerialization.data(withJSONObject: ["keys": [noAlg]]), path: "x") }
        var wrongAlg: [String: Any] = key.publicJWK
        wrongAlg["alg"] = "RS256"
        #expect(throws: TokenError.self) { try JWKSFile.entries(of: try JSONSerialization.data(withJSONObject: ["keys": [wrongAlg]]), path: "x") }
        #expect(try JWKSFile.entries(of: try JSONSerialization.data(withJSONObject: ["keys": [key.publicJWK]]), path: "x").first?.algorithm == "ES256")
    }
}
