import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseSQLite
import LotseSeed
import Testing

@Suite struct ProjectionTests {
    /// Property: for random command sequences, the index fed incrementally by the subscription equals the index
    /// rebuilt from scratch, and equals one restored from a snapshot taken half-way plus the rest of the log.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func incrementalEqualsRebuildForRandomHistories(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let store = InMemoryEventStore()
        let service = CapacityService(store: store)
        let regs = try Seeder.registrations().shuffled(using: &rng).prefix(8)
        for (r, _) in regs { _ = try await service.execute(.register(r), hospital: r.id, by: .importer, at: t0) }
        let ids = regs.map(\.0.id) + [HospitalID("000000")!]   // an unknown id: its commands are refused

        let live = CapacityProjector(store: store)
        let snapshots = InMemorySnapshotStore()
        let announcements = AnnouncementService(store: store, table: try ReferenceData.requirementTable())
        var announced: [AnnouncementID] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await live.run() }
            var now = t0
            var accepted = 0
            for step in 0..<400 {
                now = now.adding(minutes: Double(Int.random(in: 0...20, using: &rng)))
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    // Announcements take part too: new ones, and steps of earlier ones.
                    do {
                        if announced.isEmpty || Bool.random(using: &rng) {
                            let input = AnnouncementService.Input(
                                hospitalId: ids.randomElement(using: &rng)!, pzc: try PZC(parsing: ["421701", "132701", "272353"].randomElement(using: &rng)!),
                                flags: [], eta: now.adding(minutes: 20), unit: "RTW-\(step)", district: DistrictID("X"), overrideReason: "Test")
                            _ = await live.waitUntil(position: try await store.head())
                            let o = try await announcements.announce(input, index: live.snapshot, by: .importer, at: now, ttlMinutes: 720, idempotencyKey: nil)
                            announced.append(o.announcementId)
                        } else {
                            let c: AnnouncementCommand = [.acknowledge, .arrive(handoverAt: nil), .cancel(reason: "x"), .escalate(thresholdSeconds: 60)]
                                .randomElement(using: &rng)!
                            _ = try await announcements.execute(c, id: announced.randomElement(using: &rng)!, by: .importer, at: now, idempotencyKey: nil)
                        }
                        accepted += 1
                    } catch is AnnouncementService.Failure {}
                } else {
                    let (id, command) = randomCommand(ids, &rng, now: now)
                    do {
                        _ = try await service.execute(command, hospital: id, by: Principal(role: .hospital, id: id.rawValue), at: now)
                        accepted += 1
                    } catch is CapacityService.Failure {}
                }
                if step == 200 {
                    let mid = CapacityProjector(store: store)
                    _ = try await mid.rebuild()
                    try await mid.saveSnapshot(to: snapshots)
                }
            }
            #expect(accepted > 100, "the generator must produce enough accepted commands")
            let head = try await store.head()
            #expect(await live.waitUntil(position: head))
            group.cancelAll()
        }
        let rebuilt = CapacityProjector(store: store)
        _ = try await rebuilt.rebuild()
        let restored = CapacityProjector(store: store)
        let stats = try await restored.rebuild(snapshots: snapshots)
        #expect(stats.fromSnapshotPosition != nil && stats.ignoredSnapshot == nil)
        #expect(live.snapshot == rebuilt.snapshot)
        // A snapshot of another format (here: another requirement table) is not used: the index comes from the log,
        // the same as ever, and the reason is given.
        let other = CapacityProjector(store: store, tableVersion: "andere-Tabelle")
        let otherStats = try await other.rebuild(snapshots: snapshots)
        #expect(otherStats.fromSnapshotPosition == nil && otherStats.ignoredSnapshot?.contains("andere-Tabelle") == true)
        #expect(other.snapshot == rebuilt.snapshot)
        #expect(restored.snapshot == rebuilt.snapshot)
        #expect(!rebuilt.snapshot.announcements.isEmpty)
        // En-route counts agree with the announcements' states.
        for (slot, h) in rebuilt.snapshot.hospitals.enumerated() {
            let expected = rebuilt.snapshot.announcements.values.filter { $0.hospitalId == h.id && $0.status.isEnRoute }.count
            #expect(rebuilt.snapshot.patientsEnRoute(slot: slot) == expected)
            #expect(live.snapshot.patientsEnRoute(slot: slot) == expected)
        }
        // And the index agrees with each aggregate loaded from its own stream.
        for id in regs.map(\.0.id) {
            #expect(try await service.load(id) == rebuilt.snapshot[id])
        }
    }

    @Test func oldSchemaVersionsAreUpcastOnRead() async throws {
        // A HospitalRegistered row as schema v1 wrote it (lat/lon at the top level, no district), stored as-is.
        let url = try #require(Bundle.module.url(forResource: "hospital_registered_v1", withExtension: "json", subdirectory: "Fixtures"))
        let v1 = try Data(contentsOf: url)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-upcast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteEventStore(path: dir.appendingPathComponent("e.sqlite").path)
        defer { store.close() }
        _ = try await store.append(
            [EventData(type: "HospitalRegistered", schemaVersion: 1, payload: v1, metadata: Data("{}".utf8))],
            to: StreamID("hospital-771003"), expectedVersion: .noStream, idempotencyKey: nil)
        let stored = try await store.read(after: 0, limit: 1)
        #expect(stored.first?.payload == v1, "the stored row is never rewritten")
        let event = try LotseEventCodec().decode(try #require(stored.first))
        guard case let .registered(e)? = event else { Issue.record("expected HospitalRegistered"); return }
        #expect(e.position == GeoPoint(lat: 54.071629513465, lon: 12.107577323914))
        #expect(e.district == DistrictID("unbekannt"))
        #expect(e.profile == ResourceSet([.emergencyDepartment, .traumaBay, .ct, .icu]))
        // The application works on top of it: a v2 event follows in the same stream.
        let service = CapacityService(store: store)
        _ = try await service.execute(.reportStatus(.ct, .available), hospital: HospitalID("771003")!, by: .importer, at: t0)
        #expect(try await service.load(HospitalID("771003")!)?.condition(.ct) == .reported(.available, since: t0))
    }

    @Test func unknownEventTypesAreSkippedButAdvanceThePosition() async throws {
        let store = InMemoryEventStore()
        _ = try await store.append([EventData(type: "ConsultationRequested", schemaVersion: 1, payload: Data("{}".utf8), metadata: Data("{}".utf8))],
                                   to: StreamID("consultation-1"), expectedVersion: .any, idempotencyKey: nil)
        let p = CapacityProjector(store: store)
        let stats = try await p.rebuild()
        #expect(stats.position == 1 && p.snapshot.hospitals.isEmpty && p.snapshot.eventCount == 0)
    }

    @Test func serviceReturnsTheFirstResultForARetriedCommand() async throws {
        let store = try await seededStore()
        let service = CapacityService(store: store)
        let id = HospitalID("773589")!
        let first = try await service.execute(.close(.strokeUnit, reason: "CT defekt", until: t0.adding(minutes: 60)), hospital: id,
                                              by: .importer, at: t0, idempotencyKey: "req-1")
        // The retry arrives after the state changed; it still gets the first answer, and nothing new is written.
        let retry = try await service.execute(.close(.strokeUnit, reason: "CT defekt", until: t0.adding(minutes: 60)), hospital: id,
                                              by: .importer, at: t0.adding(minutes: 1), idempotencyKey: "req-1")
        #expect(retry.deduplicated && retry.position == first.position && retry.events == first.events)
        #expect(try await store.head() == first.position)
        await #expect(throws: CapacityService.Failure.store(.idempotencyKeyReused(key: "req-1"))) {
            try await service.execute(.reopen(.ct), hospital: HospitalID("771003")!, by: .importer, at: t0, idempotencyKey: "req-1")
        }
    }

    @Test func concurrentCommandsOnOneHospitalAreAllAppliedByRetrying() async throws {
        let store = try await seededStore()
        let service = CapacityService(store: store)
        let id = HospitalID("773589")!
        let keys = Array(try #require(await service.load(id)).profile.prefix(8))
        try await withThrowingTaskGroup(of: Void.self) { g in
            for k in keys { g.addTask { _ = try await service.execute(.reportStatus(k, .limited), hospital: id, by: .importer, at: t0.adding(minutes: 1)) } }
            try await g.waitForAll()
        }
        let s = try #require(await service.load(id))
        for k in keys { #expect(s.condition(k) == .reported(.limited, since: t0.adding(minutes: 1))) }
    }

    @Test func timerExpiresDueClosuresOnce() async throws {
        let store = try await seededStore()
        let service = CapacityService(store: store)
        let id = HospitalID("772096")!
        _ = try await service.execute(.close(.strokeUnit, reason: "voll", until: t0.adding(minutes: 30)), hospital: id, by: .importer, at: t0)
        let p = CapacityProjector(store: store)
        _ = try await p.rebuild()
        #expect(try await service.expireDueClosures(in: p.snapshot, at: t0.adding(minutes: 29)) == 0)
        #expect(try await service.expireDueClosures(in: p.snapshot, at: t0.adding(minutes: 31)) == 1)
        // The same (stale) index asked again: the timer does not write a second expiry.
        #expect(try await service.expireDueClosures(in: p.snapshot, at: t0.adding(minutes: 32)) == 0)
        #expect(try await service.load(id)?.condition(.strokeUnit) == .reported(.available, since: t0.adding(minutes: 30)))
    }
}
