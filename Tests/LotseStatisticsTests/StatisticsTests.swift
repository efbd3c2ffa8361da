import Foundation
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
@testable import LotseStatistics
import Testing

/// The statistics of a period against figures computed independently from the raw events: counts by filtering the
/// events, closed and unknown time by evaluating the domain's own rule (`ResourceCondition.status` on the state folded
/// by `HospitalAggregate`) in the middle of every minute. Random histories on whole minutes, so a minute's sample is exact.
@Suite struct StatisticsTests {
    let t0 = Timestamp(iso8601: "2026-11-02T00:00:00Z")!
    let ttl = 180.0
    let keys: [ResourceKey] = [.strokeUnit, .ct, .cathLab]

    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    /// A random history of three hospitals over four days: reports, closures (some reopened early, some expiring, some
    /// replaced), announcements with acknowledgements, cancellations, escalations, overrides, arrivals and hand-overs.
    func history(seed: UInt64) -> [LotseEvent] {
        var rng = Rng(state: seed)
        var events: [LotseEvent] = []
        let ids = ["771003", "772096", "771436"].map { HospitalID($0)! }
        for (i, id) in ids.enumerated() {
            events.append(.hospital(.registered(HospitalRegistered(
                hospitalId: id, name: "Klinik \(i)", position: GeoPoint(lat: 54, lon: 12 + Double(i))!, district: DistrictID(i == 2 ? "B" : "A"),
                notfallstufe: 2, kinderNotfallstufe: 0, profile: ResourceSet(keys), occurredAt: t0.adding(minutes: Double(i * 7))))))
        }
        var profiles = Dictionary(uniqueKeysWithValues: ids.map { ($0, Set(keys)) })
        var minute: Double = 30
        var closed: [String: Timestamp] = [:]
        var announced: [(AnnouncementHeader, Bool)] = []
        var n = 0
        while minute < 4 * 24 * 60 {
            minute += Double(Int.random(in: 1...90, using: &rng))
            let at = t0.adding(minutes: minute)
            let id = ids.randomElement(using: &rng)!
            let k = keys.randomElement(using: &rng)!
            let slot = "\(id)/\(k)"
            if let until = closed[slot], until <= at {
                closed[slot] = nil
                if Bool.random(using: &rng) {
                    events.append(.hospital(.closureExpired(ResourceClosureExpired(hospitalId: id, resource: k, until: until, occurredAt: at))))
                    continue
                }
            }
            switch Int.random(in: 0..<11, using: &rng) {
            case 10:
                // A profile change: the resource leaves the profile (its time is not measured) or comes back.
                if profiles[id]!.contains(k) { profiles[id]!.remove(k) } else { profiles[id]!.insert(k) }
                events.append(.hospital(.profileChanged(HospitalProfileChanged(
                    hospitalId: id, profile: ResourceSet(profiles[id]!), notfallstufe: 2, kinderNotfallstufe: 0, occurredAt: at))))
            case 0, 1:
                let until = at.adding(minutes: Double(Int.random(in: 20...600, using: &rng)))
                closed[slot] = until
                events.append(.hospital(.closed(ResourceClosed(hospitalId: id, resource: k, reason: ["OP voll", "CT defekt", "Personal"].randomElement(using: &rng)!, until: until, occurredAt: at))))
            case 2 where closed[slot] != nil:
                closed[slot] = nil
                events.append(.hospital(.reopened(ResourceReopened(hospitalId: id, resource: k, occurredAt: at))))
            case 3, 4:
                n += 1
                let header = AnnouncementHeader(announcementId: AnnouncementID("A-\(n)")!, hospitalId: id, district: DistrictID("A"), unit: "RTW-1")
                let override: String? = Int.random(in: 0..<4, using: &rng) == 0 ? ["Patient instabil", "nächste Klinik"].randomElement(using: &rng)! : nil
                events.append(.announcement(.announced(PatientAnnounced(
                    header: header, pzc: "421701", urgency: .red, flags: [], eta: at.adding(minutes: 20), bedCategory: .normal, overrideReason: override,
                    overriddenResources: override == nil ? [] : [k], announcedBy: "crew:x", occurredAt: at))))
                announced.append((header, false))
            case 5 where !announced.isEmpty:
                let i = Int.random(in: 0..<announced.count, using: &rng)
                let (h, done) = announced[i]
                guard !done else { break }
                announced[i].1 = true
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: events.append(.announcement(.cancelled(AnnouncementCancelled(header: h, reason: "Fehlalarm", occurredAt: at))))
                case 1: events.append(.announcement(.escalated(AnnouncementEscalated(header: h, waitedSeconds: 120, occurredAt: at))))
                default:
                    events.append(.announcement(.acknowledged(AnnouncementAcknowledged(header: h, acknowledgedBy: "hospital:x", occurredAt: at))))
                    let arrived = at.adding(minutes: 10)
                    if Bool.random(using: &rng) {
                        events.append(.announcement(.arrived(PatientArrived(header: h, arrivedAt: arrived, handoverAt: arrived, occurredAt: arrived))))
                    } else {
                        events.append(.announcement(.arrived(PatientArrived(header: h, arrivedAt: arrived, handoverAt: nil, occurredAt: arrived))))
                        let m = Double(Int.random(in: 5...60, using: &rng))
                        events.append(.announcement(.handedOver(PatientHandedOver(header: h, handoverAt: arrived.adding(minutes: m), offloadMinutes: m, occurredAt: arrived.adding(minutes: m)))))
                    }
                }
            default:
                closed[slot] = nil
                events.append(.hospital(.statusReported(ResourceStatusReported(hospitalId: id, resource: k, status: Bool.random(using: &rng) ? .available : .limited, occurredAt: at))))
            }
        }
        // In time order, as a log holds them (arrivals and hand-overs were written ahead of their time above).
        return events.enumerated().sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }.map(\.element)
    }

    func fold(_ events: [LotseEvent], from: Timestamp, to: Timestamp, scope: StatisticsScope = .all) async throws -> StatisticsReport {
        let store = InMemoryEventStore()
        let meta = EventMetadata(principal: .importer, correlationId: "t", idempotencyKey: nil, command: "Test")
        for e in events {
            let (data, stream): (EventData, StreamID) = switch e {
            case let .hospital(h): (try LotseEventCodec.standard.encode(h, metadata: meta), LotseEventCodec.stream(for: h.hospitalId))
            case let .announcement(a): (try LotseEventCodec.standard.encode(a, metadata: meta), StreamID("announcement-\(a.header.announcementId)"))
            }
            _ = try await store.append([data], to: stream, expectedVersion: .any, idempotencyKey: nil)
        }
        return try await LogStatistics.compute(from: from, to: to, scope: scope, ttlMinutes: ttl, store: store)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func figuresEqualAnIndependentCount(seed: UInt64) async throws {
        let events = history(seed: seed)
        let from = t0.adding(minutes: 24 * 60), to = t0.adding(minutes: 3 * 24 * 60)
        let report = try await fold(events, from: from, to: to)
        func inPeriod(_ t: Timestamp) -> Bool { t >= from && t < to }

        // Counts, straight from the events.
        var closures: [String: Int] = [:], reasons: [String: [String: Int]] = [:]
        var announcedCount: [HospitalID: Int] = [:], escalated: [HospitalID: Int] = [:], overrides: [HospitalID: Int] = [:], handovers: [HospitalID: Int] = [:]
        for e in events {
            switch e {
            case let .hospital(.closed(c)) where inPeriod(c.occurredAt):
                closures["\(c.hospitalId)/\(c.resource)", default: 0] += 1
                reasons["\(c.hospitalId)/\(c.resource)", default: [:]][c.reason, default: 0] += 1
            case let .announcement(.announced(a)) where inPeriod(a.occurredAt):
                announcedCount[a.header.hospitalId, default: 0] += 1
                if a.overrideReason != nil { overrides[a.header.hospitalId, default: 0] += 1 }
            case let .announcement(.escalated(a)) where inPeriod(a.occurredAt):
                escalated[a.header.hospitalId, default: 0] += 1
            case let .announcement(.arrived(a)) where a.handoverAt.map(inPeriod) == true:
                handovers[a.header.hospitalId, default: 0] += 1
            case let .announcement(.handedOver(a)) where inPeriod(a.handoverAt):
                handovers[a.header.hospitalId, default: 0] += 1
            default: break
            }
        }
        // Closed and unknown minutes by the domain's rule, evaluated at every minute of the period.
        var closedMinutes: [String: Int] = [:], unknownMinutes: [String: Int] = [:], observed: [String: Int] = [:]
        var states: [HospitalID: HospitalState] = [:]
        var next = 0
        var m = from
        while m < to {
            while next < events.count, events[next].occurredAt <= m {
                if case let .hospital(h) = events[next] { states[h.hospitalId] = HospitalAggregate.evolve(states[h.hospitalId], h) }
                next += 1
            }
            for (id, s) in states {
                for k in s.profile.keys {
                    let slot = "\(id)/\(k)"
                    observed[slot, default: 0] += 1
                    // In the middle of the minute: every change happens on a whole minute.
                    switch s.condition(k).status(at: m.adding(minutes: 0.5), ttlMinutes: ttl) {
                    case .closed: closedMinutes[slot, default: 0] += 1
                    case .unknown: unknownMinutes[slot, default: 0] += 1
                    default: break
                    }
                }
            }
            m = m.adding(minutes: 1)
        }

        #expect(report.hospitals.count == 3)
        var checkedClosures = 0
        for h in report.hospitals {
            #expect(h.announcements.announced == announcedCount[h.hospitalId, default: 0], "\(h.hospitalId) announced")
            #expect(h.announcements.escalated == escalated[h.hospitalId, default: 0], "\(h.hospitalId) escalated")
            #expect(h.announcements.overrides == overrides[h.hospitalId, default: 0], "\(h.hospitalId) overrides")
            #expect(h.offload.handovers == handovers[h.hospitalId, default: 0], "\(h.hospitalId) hand-overs")
            let a = h.announcements
            #expect(a.acknowledged + a.unacknowledged + a.cancelledBeforeAcknowledgement <= a.announced + a.escalated)
            for k in keys {
                let slot = "\(h.hospitalId)/\(k)"
                let c = h.closures.first { $0.resource == k }
                #expect((c?.count ?? 0) == closures[slot, default: 0], "\(slot) closures")
                #expect(Dictionary(uniqueKeysWithValues: (c?.reasons ?? []).map { ($0.text, $0.count) }) == reasons[slot, default: [:]], "\(slot) reasons")
                if let c {
                    checkedClosures += c.count
                    #expect(c.expired + c.reopened + c.replaced + c.stillClosed == c.count, "\(slot) outcomes")
                }
                #expect(abs((c?.hours ?? 0) - Double(closedMinutes[slot, default: 0]) / 60) <= 0.05 + 1e-9, "\(slot) closed hours \(c?.hours ?? 0) vs \(Double(closedMinutes[slot, default: 0]) / 60)")
                let share = h.unknownShare.first { $0.resource == k }?.share ?? 0
                let expected = Double(unknownMinutes[slot, default: 0]) / Double(observed[slot, default: 1])
                #expect(abs(share - expected) <= 0.0005 + 1e-9, "\(slot) unknown share \(share) vs \(expected)")
            }
        }
        #expect(checkedClosures > 0, "the history has closures in the period")
        #expect(report.totals.closures == closures.values.reduce(0, +))
    }

    @Test func scopesSelectHospitals() async throws {
        let events = history(seed: 9)
        let from = t0, to = t0.adding(minutes: 4 * 24 * 60)
        let district = try await fold(events, from: from, to: to, scope: .districts([DistrictID("B")]))
        #expect(district.hospitals.map(\.hospitalId) == [HospitalID("771436")!])
        #expect(district.telenotarzt != nil)
        let one = try await fold(events, from: from, to: to, scope: .hospital(HospitalID("772096")!))
        #expect(one.hospitals.map(\.hospitalId) == [HospitalID("772096")!] && one.telenotarzt == nil)
        let all = try await fold(events, from: from, to: to)
        #expect(all.hospitals.first { $0.hospitalId == HospitalID("772096")! } == one.hospitals.first)
    }

    @Test func formatsCarryTheFigures() async throws {
        let report = try await fold(history(seed: 4), from: t0, to: t0.adding(minutes: 4 * 24 * 60))
        let json = try report.rendered(as: .json)
        #expect(try JSONDecoder().decode(StatisticsReport.self, from: Data(json.utf8)) == report)
        let md = try report.rendered(as: .md)
        #expect(md.contains("## Abmeldungen je Klinik und Ressource") && md.contains("Klinik 1"))
        let csv = try report.rendered(as: .csv)
        let closureRows = csv.split(separator: "\r\n").filter { $0.hasPrefix("closures,") && $0.contains(",count,") }
        #expect(closureRows.compactMap { Int($0.split(separator: ",").last!) }.reduce(0, +) == report.totals.closures)
    }

    @Test func dispatchQuestionsPerHourOfTheDay() async throws {
        let store = InMemoryEventStore()
        let meta = Data(#"{"command":"RecordDispatchQueries","correlationId":"t","principal":"system:lotse"}"#.utf8)
        var rng = Rng(state: 42)
        var expected = [Int](repeating: 0, count: 24)
        let from = t0.adding(minutes: 24 * 60), to = t0.adding(minutes: 3 * 24 * 60)
        for h in 0..<(4 * 24) {
            let hour = t0.adding(minutes: Double(h * 60))
            for node in ["a", "b"] where Bool.random(using: &rng) {
                let n = Int.random(in: 1...50, using: &rng)
                let e = DispatchQueriesCounted(hourStart: hour, queries: n, node: node, occurredAt: hour.adding(minutes: 60))
                _ = try await store.append([EventData(type: DispatchQueriesCounted.eventType, schemaVersion: 1, payload: try JSONEncoder().encode(e), metadata: meta)],
                                           to: StreamID(DispatchQueriesCounted.stream), expectedVersion: .any, idempotencyKey: nil)
                if hour >= from && hour < to { expected[GermanTime.components(hour).hour] += n }
            }
        }
        let all = try await LogStatistics.compute(from: from, to: to, scope: .all, ttlMinutes: ttl, store: store)
        #expect(all.dispatchQueriesPerHour == expected && expected.reduce(0, +) > 0)
        let district = try await LogStatistics.compute(from: from, to: to, scope: .districts([DistrictID("A")]), ttlMinutes: ttl, store: store)
        #expect(district.dispatchQueriesPerHour == nil)
        // A log without counts has no figure (not a row of zeros).
        let none = try await fold(history(seed: 3), from: from, to: to)
        #expect(none.dispatchQueriesPerHour == nil && none.notes.contains { $0.contains("keine Zählung") })
    }

    @Test func aLeitstelleCountsItsOwnAnnouncementsAndLateReportsCountByTheirTime() async throws {
        let id = HospitalID("772096")!
        let from = t0, to = t0.adding(minutes: 24 * 60)
        let reg: LotseEvent = .hospital(.registered(HospitalRegistered(
            hospitalId: id, name: "Bergen", position: GeoPoint(lat: 54.4, lon: 13.4)!, district: DistrictID("A"), notfallstufe: 2,
            kinderNotfallstufe: 0, profile: ResourceSet(keys), occurredAt: t0)))
        func announce(_ n: Int, district: String, at: Timestamp) -> (AnnouncementHeader, LotseEvent) {
            let h = AnnouncementHeader(announcementId: AnnouncementID("A-\(n)")!, hospitalId: id, district: DistrictID(district), unit: "RTW-\(n)")
            return (h, .announcement(.announced(PatientAnnounced(header: h, pzc: "421701", urgency: .red, flags: [], eta: at.adding(minutes: 20),
                                                               bedCategory: .normal, overrideReason: "Grund \(district)", overriddenResources: [.ct],
                                                               announcedBy: "dispatcher:x", occurredAt: at))))
        }
        let (own, ownEvent) = announce(1, district: "A", at: t0.adding(minutes: 60))
        let (_, otherEvent) = announce(2, district: "B", at: t0.adding(minutes: 70))
        // Handed over at 23:50, reported after midnight (the next day's log): it belongs to this day.
        let late: LotseEvent = .announcement(.handedOver(PatientHandedOver(
            header: own, handoverAt: to.adding(minutes: -10), offloadMinutes: 25, occurredAt: to.adding(minutes: 15))))
        let events = [reg, ownEvent, otherEvent, late]
        let leitstelle = try await fold(events, from: from, to: to, scope: .districts([DistrictID("A")]))
        let a = try #require(leitstelle.hospitals.first).announcements
        #expect(a.announced == 1 && a.overrideReasons.map(\.text) == ["Grund A"])
        #expect(leitstelle.hospitals.first?.offload.handovers == 1)
        let all = try await fold(events, from: from, to: to)
        #expect(all.hospitals.first?.announcements.announced == 2 && all.totals.handovers == 1)
        let nextDay = try await fold(events, from: to, to: to.adding(minutes: 24 * 60))
        #expect(nextDay.totals.handovers == 0)
    }

    @Test func csvNeutralisesFormulas() {
        #expect(StatisticsReport.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(StatisticsReport.csvField("@SUM(A1)") == "'@SUM(A1)" && StatisticsReport.csvField("-3") == "-3" && StatisticsReport.csvField("OP voll") == "OP voll")
    }
}
