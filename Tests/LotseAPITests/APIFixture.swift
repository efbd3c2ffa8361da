import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LotseAPI
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseSQLite
import LotseSeed
import LotseTelenotarzt
import LotseTime
import LotseTokens
import Synchronization

let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!

/// A Lotse server on a real socket over a fresh SQLite log seeded with the MV demo at `t0`, with a token per role.
struct APIFixture {
    let api: LotseAPIServices
    let store: SQLiteEventStore
    let clock: ManualClock
    let tokens: [Role: String]
    /// A hospital token for another hospital than the one the tests change (772096).
    let otherHospitalToken: String
    /// A physician of another centre (`TNA-Schwerin`).
    let otherPhysicianToken: String
    let directory: URL
    /// The key the tokens are signed with; its public half is in `jwksPath`, which the server re-reads on change.
    let signingKey: SigningKey
    let jwksPath: String
    let issuer: TokenIssuer

    static func make(rateLimit: Double = 10_000, maxBody: Int = APIConfiguration.defaultMaxBodyBytes,
                     expirySeconds: Double = 3600, tnaNetwork: TNANetwork? = nil, maxStreams: Int = 8, accessLog: String? = nil) async throws -> APIFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteEventStore(path: dir.appendingPathComponent("e.sqlite").path, pollInterval: .milliseconds(50))
        _ = try await CapacityService(store: store).importHospitals(try Seeder.imports(), demo: true, at: t0)
        let clock = ManualClock(t0.adding(minutes: 5))
        let key = SigningKey.generate()
        let jwksPath = dir.appendingPathComponent("jwks.json").path
        try JWKSFile.add(key.publicJWK, to: jwksPath)
        var config = APIConfiguration(tokens: try await TokenVerifier(.init(jwksPath: jwksPath)))
        config.port = 0
        config.clock = clock
        config.rateLimitPerSecond = rateLimit
        config.maxBodyBytes = maxBody
        config.maxStreamsPerPrincipal = maxStreams
        config.accessLogPath = accessLog
        config.expiryIntervalSeconds = expirySeconds
        if let tnaNetwork { config.tnaNetwork = tnaNetwork }
        let api = try LotseAPIServices(store: store, snapshots: store, table: try ReferenceData.requirementTable(), configuration: config)
        let ts = await TokenIssuer(signingKey: key)
        var tokens: [Role: String] = [:]
        let scopes: [Role: [String]] = [
            .hospital: ["772096"], .dispatcher: ["Vorpommern-Rügen"], .crew: ["RTW-1"], .physician: ["TNA-Greifswald"], .admin: ["*"],
        ]
        for role in Role.allCases { tokens[role] = try await ts.issue(subject: "test-\(role.rawValue)", role: role, scope: scopes[role]!, ttlSeconds: 3600) }
        let other = try await ts.issue(subject: "zna-stralsund", role: .hospital, scope: ["771436"], ttlSeconds: 3600)
        let otherDoc = try await ts.issue(subject: "dr-schwerin", role: .physician, scope: ["TNA-Schwerin"], ttlSeconds: 3600)
        return APIFixture(api: api, store: store, clock: clock, tokens: tokens, otherHospitalToken: other, otherPhysicianToken: otherDoc, directory: dir,
                          signingKey: key, jwksPath: jwksPath, issuer: ts)
    }

    /// Runs `body` against the live server.
    func run<T: Sendable>(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> T) async throws -> T {
        defer {
            store.close()
            try? FileManager.default.removeItem(at: directory)
        }
        let app = try await LotseServer.buildApplication(api: api)
        return try await app.test(.live) { client in try await body(client) }
    }

    func headers(_ role: Role?, idempotencyKey: String? = nil) -> HTTPFields {
        var h: HTTPFields = [.contentType: "application/json"]
        if let role { h[.authorization] = "Bearer \(tokens[role]!)" }
        if let idempotencyKey { h[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return h
    }
}

extension TestResponse {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}

func body(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }
