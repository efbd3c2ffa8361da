import Foundation
import LotseCapacity
import LotseDispatch
import LotseEventStore
import LotseSQLite
@testable import LotseSimulation
import LotseStatistics
import Testing

/// The statistics of a simulated run's log, copied to SQLite as `lotse-sim run --log-db` does, agree with what the
/// simulator counted while it ran: closures, reopenings, escalations, overrides, Telenotarzt requests and alarms.
@Suite(.serialized) struct StatisticsMatchTests {
    @Test func theStatisticsOfTheSimulatedLogMatchItsOutcomes() async throws {
        var s = try SimulationTests.scenario(days: 4)
        s.tna.requestsPerAmbulanceDay = 1.5
        let (r, sim) = try await SimulationTests.run(s)
        let o = r.outcomes
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-sim-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("year.sqlite").path
        let copied = try await SQLiteLogCopy.copy(from: sim.log, toNewFile: path)
        #expect(copied == o.logEvents)
        await #expect(throws: EventStoreError.self) { try await SQLiteLogCopy.copy(from: sim.log, toNewFile: path) }

        let store = try SQLiteEventStore(path: path)
        defer { store.close() }
        // The copy is a whole log: its chain verifies, and its index is the one the simulation kept.
        let verified = try await LogVerifier.verify(store, snapshots: nil, format: SnapshotFormat.current(table: nil))
        #expect(verified.problem == nil && verified.head == o.logEvents)
        let report = try await LogStatistics.compute(from: sim.start, to: sim.end.adding(minutes: 1), scope: .all,
                                                     ttlMinutes: DispatchParameters().statusTTLMinutes, store: store)
        let closures = report.hospitals.flatMap(\.closures)
        #expect(report.totals.closures == o.closures && o.closures > 0)
        #expect(closures.map(\.reopened).reduce(0, +) == o.reopenings)
        #expect(report.totals.escalated == o.announcementsEscalated)
        // The simulator sends to an excluded hospital when nothing is suitable (`overrides`); the log records an
        // override where a required resource was closed or missing there (`overridesRecorded`).
        #expect(report.totals.overrides == o.overridesRecorded && o.overridesRecorded <= o.overrides)
        #expect(report.totals.announced == o.transported)
        let tna = try #require(report.telenotarzt)
        #expect(tna.requested == o.tna.requests && tna.offersMissed == o.tna.offersMissed)
        #expect(tna.backupAlerts == o.tna.backupAlerts && tna.leitstelleAlerts == o.tna.leitstelleAlerts)
    }
}
