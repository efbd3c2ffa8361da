import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseSeed
import Testing

/// Time travel from checkpoints (issue 16) against its definition: the fold of every event that occurred by the
/// moment, read from the whole log. Random logs with announcements and with late events written out of time order;
/// small spacings and budgets, so that there are many checkpoints and they are thinned.
struct TimeTravelTests {
    /// A random log: hospital commands and announcements, time running forward with now and then an event written
    /// with an earlier time (a late report).
    func randomLog(seed: UInt64, steps: Int) async throws -> (store: InMemoryEventStore, times: [Timestamp]) {
        var rng = SplitMix64(seed: seed)
        let store = InMemoryEventStore()
        let service = CapacityService(store: store)
        let regs = try Seeder.registrations().shuffled(using: &rng).prefix(6)
        for (r, _) in regs { _ = try await service.execute(.register(r), hospital: r.id, by: .importer, at: t0) }
        let ids = regs.map(\.0.id)
        let announcements = AnnouncementService(store: store, table: try ReferenceData.requirementTable())
        var announced: [AnnouncementID] = []
        var times = [t0]
        var now = t0
        for step in 0..<steps {
            now = now.adding(minutes: Double(Int.random(in: 0...45, using: &rng)))
            let late = Int.random(in: 0..<12, using: &rng) == 0
            let at = late ? now.adding(minutes: -Double(Int.random(in: 1...600, using: &rng))) : now
            times.append(at)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                do {
                    if announced.isEmpty || Bool.random(using: &rng) {
                        let index = CapacityProjector(store: store)
                        _ = try await index.rebuild()
                        let input = AnnouncementService.Input(
                            hospitalId: ids.randomElement(using: &rng)!, pzc: try PZC(parsing: "421701"), flags: [], eta: at.adding(minutes: 20),
                            unit: "RTW-\(step)", district: DistrictID("X"), overrideReason: "Test")
                        announced.append(try await announcements.announce(input, index: index.snapshot, by: .importer, at: at, ttlMinutes: 720,
                                                                          idempotencyKey: nil).announcementId)
                    } else {
                        let c: AnnouncementCommand = [.acknowledge, .arrive(handoverAt: nil), .cancel(reason: "x")].randomElement(using: &rng)!
                        _ = try await announcements.execute(c, id: announced.randomElement(using: &rng)!, by: .importer, at: at, idempotencyKey: nil)
                    }
                } catch is AnnouncementService.Failure {}
            } else {
                let (id, command) = randomCommand(ids, &rng, now: at)
                do { _ = try await service.execute(command, hospital: id, by: Principal(role: .hospital, id: id.rawValue), at: at) } catch is CapacityService.Failure {}
            }
        }
        return (store, times)
    }

    /// Moments to look at: every event's time, a minute either side of some, before everything, after everything.
    func moments(_ times: [Timestamp]) -> [Timestamp] {
        var m = times.enumerated().flatMap { i, t in i % 7 == 0 ? [t, t.adding(minutes: -1), t.adding(minutes: 1)] : [t] }
        m.append(t0.adding(minutes: -60))
        m.append(times.max()!.adding(minutes: 600))
        return m
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func checkpointsGiveTheSameIndexAsTheWholeLog(seed: UInt64) async throws {
        let (store, times) = try await randomLog(seed: seed, steps: 300)
        // Rebuilt from the log: the history covers it all; a budget this small thins it (spacing doubles).
        let rebuilt = CapacityProjector(store: store, historySpacing: 8, historyBudgetBytes: 200_000)
        _ = try await rebuilt.rebuild()
        let summary = rebuilt.historySummary
        #expect(summary.checkpoints > 3 && summary.from == 0)
        #expect(summary.spacing > 8, "the budget thinned the checkpoints")
        for t in moments(times) {
            let fromCheckpoints = try await rebuilt.index(asOf: t)
            let replayed = try await rebuilt.replayIndex(asOf: t)
            #expect(fromCheckpoints == replayed, "seed \(seed), moment \(t)")
        }
    }

    @Test func aLiveProjectionAndOneStartedFromASnapshotAgreeWithTheWholeLog() async throws {
        let (store, times) = try await randomLog(seed: 21, steps: 120)
        let snapshots = InMemorySnapshotStore()
        let first = CapacityProjector(store: store)
        _ = try await first.rebuild()
        try await first.saveSnapshot(to: snapshots)
        let laterTimes = try await appendLater(store, after: times.max()!)

        // Fed live by the subscription from the empty log.
        let live = CapacityProjector(store: store, historySpacing: 16)
        // Started from the snapshot: moments before it are replayed from the whole log until the history is completed.
        let restored = CapacityProjector(store: store, historySpacing: 16)
        let stats = try await restored.rebuild(snapshots: snapshots)
        #expect(stats.fromSnapshotPosition != nil)
        #expect(restored.historySummary.from > 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await live.run() }
            #expect(await live.waitUntil(position: try await store.head()))
            let all = moments(times + laterTimes)
            for t in all {
                let replayed = try await live.replayIndex(asOf: t)
                #expect(try await live.index(asOf: t) == replayed, "live, \(t)")
                #expect(try await restored.index(asOf: t) == replayed, "from the snapshot, \(t)")
            }
            try await restored.completeHistory()
            #expect(restored.historySummary.from == 0, "the history reaches back to the empty log")
            for t in all {
                #expect(try await restored.index(asOf: t) == (try await live.replayIndex(asOf: t)), "completed, \(t)")
            }
            group.cancelAll()
        }
    }

    /// Status reports after the snapshot, one an hour.
    func appendLater(_ store: InMemoryEventStore, after: Timestamp) async throws -> [Timestamp] {
        let service = CapacityService(store: store)
        let projector = CapacityProjector(store: store)
        _ = try await projector.rebuild()
        let id = try #require(projector.snapshot.hospitals.first?.id)
        var times: [Timestamp] = []
        for h in 1...40 {
            let at = after.adding(minutes: Double(h * 60))
            _ = try await service.execute(.reportStatus(.ct, h % 2 == 0 ? .available : .limited), hospital: id, by: .importer, at: at)
            times.append(at)
        }
        return times
    }
}
