import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore
import LotseSQLite
import LotseTelenotarzt
import LotseTime
import Synchronization
import Testing

/// The actor service on a real SQLite log and a test clock.
struct TNAServiceTests {

    let rügen = DistrictID("Vorpommern-Rügen")
    var network: TNANetwork { .mecklenburgVorpommern(districts: [rügen, DistrictID("Schwerin")]) }
    let crew = Principal(role: .crew, id: "rtw-1"), doc = Principal(role: .physician, id: "dr-a")

    func tempStore() throws -> (SQLiteEventStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-tna-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try SQLiteEventStore(path: dir.appendingPathComponent("e.sqlite").path), dir)
    }

    @Test func eventsAreLoggedAndARestartHasTheSameQueueAndDeadlines() async throws {
        let (store, dir) = try tempStore()
        defer { store.close(); try? FileManager.default.removeItem(at: dir) }
        let clock = ManualClock(Timestamp(iso8601: "2026-11-23T10:00:00Z")!)
        let service = TNAService(store: store, network: network, clock: clock)
        try await service.catchUp()
        try await service.handle(.signOn(PhysicianID("dr-a"), centre: CentreID("TNA-Greifswald"), maxParallel: 1), by: doc)
        for (i, p) in [2, 1, 3].enumerated() {
            clock.advance(seconds: 1)
            try await service.handle(.request(ConsultationRequest(id: ConsultationID("k\(i)"), kind: .crewAdvice, priority: p, district: rügen,
                                                                  position: nil, pzc: nil, unit: "RTW-\(i)")), by: crew)
        }
        let stored = try await store.readStream(TNAService.stream)
        #expect(stored.map(\.type).contains("TNA.ConsultationOffered") && stored.first?.type == "TNA.PhysicianSignedOn")
        #expect(String(decoding: stored.last!.metadata, as: UTF8.self).contains("crew:rtw-1"))

        let restarted = TNAService(store: store, network: network, clock: clock)
        try await restarted.catchUp()
        let (a, b) = (await service.state, await restarted.state)
        #expect(a == b && a.nextDeadline() == b.nextDeadline())
        #expect(a.consultations[ConsultationID("k0")]?.status == .offered, "the first request got the free physician")
        #expect(a.queue(at: clock.now()).map(\.request.id.rawValue) == ["k1", "k2"])
    }

    @Test func timersFireOnTheInjectedClock() async throws {
        let (store, dir) = try tempStore()
        defer { store.close(); try? FileManager.default.removeItem(at: dir) }
        let clock = ManualClock(Timestamp(iso8601: "2026-11-23T10:00:00Z")!)
        let service = TNAService(store: store, network: network, clock: clock)
        try await service.handle(.request(ConsultationRequest(id: ConsultationID("k"), kind: .bridgingUntilNEF, priority: 1, district: rügen,
                                                              position: nil, pzc: "421701", unit: "RTW-1")), by: crew)
        let timers = Task { try await service.runTimers(maxSleep: .milliseconds(20)) }
        defer { timers.cancel() }
        clock.advance(seconds: 61)
        var alerted = false
        for _ in 0..<100 where !alerted {
            try await Task.sleep(for: .milliseconds(10))
            alerted = await service.state.consultations[ConsultationID("k")]?.backupAlerted == true
        }
        #expect(alerted)
        clock.advance(seconds: 240)
        var leitstelle = false
        for _ in 0..<100 where !leitstelle {
            try await Task.sleep(for: .milliseconds(10))
            leitstelle = await service.state.consultations[ConsultationID("k")]?.leitstelleAlerted == true
        }
        #expect(leitstelle)
        let types = try await store.readStream(TNAService.stream).map(\.type)
        #expect(types.filter { $0 == "TNA.BackupAlerted" }.count == 1 && types.filter { $0 == "TNA.LeitstelleAlerted" }.count == 1)
    }
}

/// Centres and districts are data: the shipped MV example loads and says what the issue asks.
struct TNANetworkConfigTests {
    @Test func theMVExampleLoads() throws {
        let n = try TNANetwork.bundledMV()
        #expect(n.centres.count == 2)
        let greifswald = try #require(n.centres.first { $0.id == CentreID("TNA-Greifswald") })
        #expect(greifswald.districts.count == 8)
        #expect(n.serves(CentreID("TNA-Backup-Beispiel"), DistrictID("Schwerin"), overflow: true))
        #expect(!n.serves(CentreID("TNA-Backup-Beispiel"), DistrictID("Schwerin"), overflow: false))
        #expect(throws: (any Error).self) { try TNANetwork.load(json: Data(#"{"centres":[]}"#.utf8)) }
    }
}

struct TNAReportTests {
    @Test func theReportCountsOutcomesAndTimes() throws {
        let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
        let d = DistrictID("Vorpommern-Rügen")
        var s = TNAState(network: .mecklenburgVorpommern(districts: [d]))
        func send(_ i: TNAInput, _ sec: Int64) throws {
            s = try TNADispatchAggregate.decide(i, state: s, now: t0.adding(seconds: sec)).reduce(s) { TNADispatchAggregate.evolve($0, $1) }
        }
        func req(_ id: String, _ kind: ConsultationKind) -> TNAInput {
            .request(ConsultationRequest(id: ConsultationID(id), kind: kind, priority: 2, district: d, position: nil, pzc: nil, unit: "RTW"))
        }
        let doc = PhysicianID("dr")
        try send(.signOn(doc, centre: CentreID("TNA-Greifswald"), maxParallel: 1), 0)
        try send(req("a", .crewAdvice), 10)                   // offered at once
        try send(.accept(ConsultationID("a"), by: doc), 20)
        try send(.connect(ConsultationID("a"), by: doc), 40)  // 30 s to connect
        try send(req("b", .bridgingUntilNEF), 50)             // waits
        try send(.end(ConsultationID("a"), by: doc, disposition: .treatedOnScene), 130)   // b offered at 130: 80 s
        try send(.tick, 161)                                  // b's offer missed
        try send(.escalate(ConsultationID("b")), 170)
        let r = TNAReport(s, from: t0, to: t0.adding(seconds: 3600))
        #expect(r.requested == 2 && r.ended == 1 && r.escalated == 1 && r.offersMissed == 1 && r.backupAlerts == 1 && r.stillOpen == 0)
        #expect(r.byKind == [.crewAdvice: 1, .bridgingUntilNEF: 1])
        #expect(r.requestToOffer?.median == 80 && r.requestToConnected?.median == 30)
        #expect(r.text.contains("Anforderungen: 2") && r.text.contains("Verpasste Angebote: 1"))
        #expect(TNAReport(s, from: t0.adding(seconds: 3600), to: t0.adding(seconds: 7200)).requested == 0)
    }
}
