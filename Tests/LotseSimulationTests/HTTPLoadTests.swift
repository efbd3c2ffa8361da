import Foundation
import Hummingbird
import HummingbirdTesting
import LotseAPI
import LotseApplication
import LotseCapacity
import LotseDemand
import LotseDomain
@testable import LotseLoad
import LotseSQLite
import LotseTokens
import LotseSeed
@testable import LotseSimulation
import LotseTime
import Testing

/// The HTTP mode against a real `lotse serve` on a socket (SQLite log, MV demo, real clock).
@Suite struct HTTPLoadTests {
    @Test func loadReportsLatencyPerRequestTypeWithoutErrors() async throws {
        let secret = "sim-test-secret-0123456789abcdef-012345"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteEventStore(path: dir.appendingPathComponent("e.sqlite").path)
        defer { store.close() }
        _ = try await CapacityService(store: store).importHospitals(try Seeder.imports(), demo: true, at: SystemClock().now())
        // The development path: HS256 with a shared secret (accepted only because it is configured).
        var config = APIConfiguration(tokens: try await TokenVerifier(.init(devSecret: secret)))
        config.port = 0
        config.rateLimitPerSecond = 100_000
        let api = try LotseAPIServices(store: store, snapshots: store, table: try ReferenceData.requirementTable(), configuration: config)
        let app = try await LotseServer.buildApplication(api: api)
        let scenario = try SimulationTests.scenario(days: 1)
        let demand = try DemandModel(scenario: scenario, geography: GeneratorTests.geography, table: GeneratorTests.table)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let load = HTTPLoad(
                options: .init(baseURL: "http://127.0.0.1:\(port)", issuer: try await TokenIssuer(devSecret: secret), clients: 3, speed: nil, maxMissions: 24, maxSeconds: 60),
                scenario: scenario, geography: GeneratorTests.geography, demand: demand)
            #expect(load.missions.count == 24)
            let r = try await load.run()
            #expect(r.errors.isEmpty, "\(r.errors) \(r.errorSamples)")
            #expect(r.missions == 24)
            for type in ["dispatch", "announce", "acknowledge", "arrival", "status"] {
                #expect(r.latency[type]?.count ?? 0 > 0, "\(type)")
            }
            #expect(r.latency["dispatch"]?.count == 24 && r.latency["arrival"]?.count == 24)
            #expect(r.requests == r.latency.values.reduce(0) { $0 + $1.count })
            let md = HTTPLoadReport.markdown(r, url: "http://127.0.0.1:\(port)", scenario: scenario)
            #expect(md.contains("| dispatch | 24 |"))
        }
        // What the load announced is in the log: 24 patients announced, acknowledged and arrived.
        let events = try await store.read(after: 0, limit: 100_000)
        #expect(events.filter { $0.type == PatientArrived.eventType }.count == 24)
    }
}
