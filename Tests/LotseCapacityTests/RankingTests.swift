import Foundation
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseEventStore
import LotseSeed
import Testing

@Suite struct RankingTests {
    let dranske = GeoPoint(lat: 54.63, lon: 13.22)!

    func ranking(_ parameters: DispatchParameters = DispatchParameters()) throws -> DispatchRanking {
        try DispatchRanking(table: try ReferenceData.requirementTable(), parameters: parameters)
    }

    /// The German reasons, written in one piece from fixed parts, are the texts plain interpolation writes: random
    /// times (years before 1000 and after 9999 too), reasons with umlauts and emoji, TTLs of whole and half hours.
    @Test func reasonsAreTheInterpolatedTexts() throws {
        var rng = SystemRandomNumberGenerator()
        for ttl in [720.0, 90.0] {
            var parameters = DispatchParameters()
            parameters.statusTTLMinutes = ttl
            let r = try ranking(parameters)
            let ttlText = ttl == 720 ? "12" : "1.5"
            for _ in 0..<500 {
                let k = ResourceKey.allCases.randomElement(using: &rng)!
                let now = Timestamp(millis: Int64.random(in: 0...4_000_000_000_000, using: &rng))
                let t = Bool.random(using: &rng) ? now.adding(minutes: Double.random(in: -3000...3000, using: &rng))
                    : Timestamp(millis: Int64.random(in: -70_000_000_000_000...300_000_000_000_000, using: &rng))
                let why = ["Wartung", "Gerät defekt – Ü 🚑", ""].randomElement(using: &rng)!
                #expect(r.reason(.closed(reason: why, until: t, since: now), k, now)
                        == "\(k.germanLabel) abgemeldet bis \(GermanTime.shortTime(t, relativeTo: now)) – Grund: \(why)")
                let c = GermanTime.components(t)
                func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
                #expect(r.reason(.unknown(lastReport: t), k, now)
                        == "\(k.germanLabel): Daten älter als \(ttlText) h (letzte Meldung \(two(c.day)).\(two(c.month)).\(c.year) \(two(c.hour)):\(two(c.minute)))")
                #expect(r.reason(.unknown(lastReport: nil), k, now) == "\(k.germanLabel): keine Meldung – Status unbekannt")
                #expect(r.reason(.available(since: t), k, now) == nil && r.reason(.limited(since: t), k, now) == nil)
            }
        }
        // The time as the reasons show it, in and outside the years of four digits.
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-11-23T13:30:00Z")!) == "23.11.2026 14:30")
        #expect(GermanTime.dateTime(Timestamp(millis: 300_000_000_000_000)).utf8.count > 16)  // a year of five digits
    }

    /// An independent haversine, to check the ranking's distance arithmetic.
    func haversineKm(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let r = 6371.0088, dLat = (b.lat - a.lat) * .pi / 180, dLon = (b.lon - a.lon) * .pi / 180
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * .pi / 180) * cos(b.lat * .pi / 180) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, h.squareRoot()))
    }

    /// The shipped travel model, computed independently from its file (haversine, the grid read by hand).
    struct ModelFile: Decodable, Sendable {
        struct Grid: Decodable, Sendable { let lat0, lon0, step, outsideMinutes: Double; let rows, columns: Int; let minutes: [Double] }
        let parameters: [String: Double]
        let originGrid: Grid
        let sondersignalFactor: Double
    }

    static let model: ModelFile = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LotseDispatch/Resources/travel-model.json")
        return try! JSONDecoder().decode(ModelFile.self, from: Data(contentsOf: url))
    }()

    func driveMinutes(_ from: GeoPoint, _ to: GeoPoint, _ urgency: Urgency) -> Double {
        let p = Self.model.parameters, g = Self.model.originGrid
        let r = (from.lat - g.lat0) / g.step, c = (from.lon - g.lon0) / g.step
        var origin = g.outsideMinutes
        if r >= 0, c >= 0, r <= Double(g.rows - 1), c <= Double(g.columns - 1) {
            let r0 = min(Int(r), g.rows - 2), c0 = min(Int(c), g.columns - 2), fr = r - Double(r0), fc = c - Double(c0)
            func at(_ i: Int, _ j: Int) -> Double { g.minutes[i * g.columns + j] }
            origin = (at(r0, c0) * (1 - fc) + at(r0, c0 + 1) * fc) * (1 - fr) + (at(r0 + 1, c0) * (1 - fc) + at(r0 + 1, c0 + 1) * fc) * fr
        }
        let road = haversineKm(from, to) * p["detour"]!
        let speed = p["vLong"]! - (p["vLong"]! - p["vShort"]!) * exp(-road / p["dHalf"]!)
        let minutes = max(0, origin) + road / speed * 60
        return urgency == .red ? minutes * Self.model.sondersignalFactor : minutes
    }

    @Test func strokeNearDranskeRanksByDriveTime() async throws {
        let idx = try await rebuiltIndex(try await seededStore())
        let a = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701")), in: idx, at: t0)
        #expect(a.candidates.map(\.hospitalId.rawValue).prefix(3) == ["772096", "771436", "773589"])
        #expect(a.suitableTotal == 10 && a.excluded.isEmpty)
        let first = a.candidates[0]
        let bergen = try #require(idx[HospitalID("772096")!])
        let expected = driveMinutes(dranske, bergen.position, .red)
        #expect(abs(first.driveMinutes - expected) < 0.06)
        #expect(a.travelTimeModel.hasPrefix("calibrated-mv/"))
        #expect(first.score == first.driveMinutes && first.scoreParts.limitedPenaltyMinutes == 0)
        #expect(first.resources.map(\.status) == [.available, .available] && first.dataAgeMinutes == 0)
        #expect(a.rulesVersion == (try ReferenceData.requirementTable()).version)
        #expect(a.logPosition == idx.position)
    }

    @Test func limitedResourceCostsTenMinutes() async throws {
        let store = try await seededStore()
        _ = try await CapacityService(store: store).execute(.reportStatus(.strokeUnit, .limited), hospital: HospitalID("772096")!, by: .importer, at: t0)
        let a = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701")), in: try await rebuiltIndex(store), at: t0)
        let bergen = try #require(a.candidates.first { $0.hospitalId.rawValue == "772096" })
        #expect(bergen.scoreParts.limitedPenaltyMinutes == 10)
        #expect(abs(bergen.score - (bergen.driveMinutes + 10)) < 0.06)
        // Bergen is 28 min, Stralsund 36 min: with +10 Stralsund comes first.
        #expect(a.candidates.map(\.hospitalId.rawValue).prefix(2) == ["771436", "772096"])
        #expect(bergen.resources.first { $0.resource == .strokeUnit }?.status == .limited)
    }

    @Test func patientsEnRouteBeyondFreeBedsAddTheLoadPenalty() async throws {
        let store = try await seededStore()
        let service = CapacityService(store: store)
        let bergen = HospitalID("772096")!
        _ = try await service.execute(.reportBeds([.icuHighCare: BedCount(free: 1, operable: 4), .icuLowCare: BedCount(free: 0, operable: 2)]),
                                      hospital: bergen, by: .importer, at: t0)
        let announcements = AnnouncementService(store: store, table: try ReferenceData.requirementTable())
        for i in 0..<3 {
            let input = AnnouncementService.Input(
                hospitalId: bergen, pzc: try PZC(parsing: "132701"), flags: [], eta: t0.adding(minutes: 20), unit: "RTW-\(i)",
                district: DistrictID("Vorpommern-Rügen"), overrideReason: nil)
            _ = try await announcements.announce(input, index: try await rebuiltIndex(store), by: .importer, at: t0, ttlMinutes: 720, idempotencyKey: nil)
        }
        let idx = try await rebuiltIndex(store)
        // 132 (ROSC) needs the ICU: 3 en route, 1 free ICU bed → 2 × 5 min.
        let a = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "132701"), limit: 50), in: idx, at: t0)
        let c = try #require(a.candidates.first { $0.hospitalId == bergen })
        #expect(c.patientsEnRoute == 3 && c.scoreParts.loadPenaltyMinutes == 10)
        #expect(abs(c.score - (c.driveMinutes + 10)) < 0.06)
        // A stroke patient needs no ICU bed here: the same patients en route, no penalty (normal beds are free).
        let stroke = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701")), in: idx, at: t0)
        #expect(stroke.candidates.first { $0.hospitalId == bergen }?.scoreParts.loadPenaltyMinutes == 0)
    }

    @Test func staleAndMissingReportsAreUnknownNeverAvailable() async throws {
        let store = try await seededStore()
        let a = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701")), in: try await rebuiltIndex(store),
                                   at: t0.adding(minutes: 12 * 60 + 1))
        #expect(a.candidates.isEmpty && a.excludedTotal == 10)
        #expect(a.excluded[0].reasons.contains("Stroke Unit: Daten älter als 12 h (letzte Meldung 23.11.2026 11:00)"))
        #expect(a.excluded[0].resources.allSatisfy { $0.status == .unknown })

        let bare = try await seededStore(demo: false)
        let b = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701")), in: try await rebuiltIndex(bare), at: t0)
        #expect(b.candidates.isEmpty)
        #expect(b.excluded[0].reasons == ["CT: keine Meldung – Status unbekannt", "Stroke Unit: keine Meldung – Status unbekannt"])
    }

    @Test func pediatricPatientsNeedThePediatricAlternative() async throws {
        let idx = try await rebuiltIndex(try await seededStore())
        let adult = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "132401")), in: idx, at: t0)
        let child = try ranking().rank(try DispatchQuery(position: dranske, pzc: try PZC(parsing: "132051")), in: idx, at: t0)
        #expect(adult.query.required == [.emergencyDepartment, .icu] && !adult.query.pediatric)
        #expect(child.query.required == [.emergencyDepartment, .pediatricICU] && child.query.pediatric)
        for c in child.candidates { #expect(idx[c.hospitalId]!.profile.contains(.pediatricICU)) }
        #expect(child.suitableTotal == 5 && adult.suitableTotal > child.suitableTotal)
    }

    @Test func districtFilterAndLimit() async throws {
        let idx = try await rebuiltIndex(try await seededStore())
        let q = try DispatchQuery(position: dranske, rmi: RMI("272")!, urgency: .yellow, age: 40, district: DistrictID("Vorpommern-Rügen"), limit: 2)
        let a = try ranking().rank(q, in: idx, at: t0)
        #expect(a.candidates.count == 2 && a.suitableTotal > 2)
        for c in a.candidates { #expect(c.district == "Vorpommern-Rügen") }
    }

    @Test func refusesCodesThatMustNotBeRanked() async throws {
        let idx = try await rebuiltIndex(try await seededStore())
        let r = try ranking()
        func q(_ pzc: String) throws -> DispatchQuery { try DispatchQuery(position: dranske, pzc: try PZC(parsing: pzc)) }
        #expect(throws: DispatchError.unknownRMI("999")) { try r.rank(try q("999701"), in: idx, at: t0) }
        #expect(throws: DispatchError.notAnAllocationCode(rmi: "000", name: "Kein Patient vorhanden")) { try r.rank(try q("000701"), in: idx, at: t0) }
        #expect(throws: DispatchError.notAnAllocationCode(rmi: "111", name: "primäre Todesfeststellung")) { try r.rank(try q("111701"), in: idx, at: t0) }
        #expect(throws: DispatchError.self) { try r.rank(try q("601701"), in: idx, at: t0) }
        #expect(throws: DispatchError.urgencyNotAllowed(rmi: "332", urgency: 2, allowed: [1])) { try r.rank(try q("332762"), in: idx, at: t0) }
        #expect(throws: DispatchError.invalidLimit(0)) { try DispatchQuery(position: dranske, rmi: RMI("421")!, urgency: .red, age: 70, limit: 0) }
        var bad = DispatchParameters()
        bad.detourFactor = 0.5
        #expect(throws: DispatchError.invalidParameters) { try DispatchRanking(table: try ReferenceData.requirementTable(), parameters: bad) }
        for change in [{ (p: inout DispatchParameters) in p.statusTTLMinutes = .infinity }, { $0.statusTTLMinutes = .nan },
                       { $0.limitedPenaltyMinutes = .infinity }, { $0.loadPenaltyMinutesPerPatient = .infinity }] {
            var p = DispatchParameters()
            change(&p)
            #expect(throws: DispatchError.invalidParameters) { try DispatchRanking(table: try ReferenceData.requirementTable(), parameters: p) }
        }
    }

    /// Property: for random capacity states and random queries the answer keeps the invariants of DESIGN §4,
    /// and agrees with a naive independent ranking.
    @Test(arguments: [11, 12, 13, 14, 15] as [UInt64])
    func rankingInvariantsHoldForRandomStates(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let (idx, now) = try await randomIndex(&rng)
        let table = try ReferenceData.requirementTable()
        let r = try ranking()
        let codes = table.rows.values.filter { $0.isAllocationCode && !$0.required.isEmpty }.sorted { $0.rmi < $1.rmi }
        for _ in 0..<150 {
            let req = codes.randomElement(using: &rng)!
            let urgency = req.allowedUrgencies.sorted().randomElement(using: &rng)!
            let pos = GeoPoint(lat: Double.random(in: 53.1...54.7, using: &rng), lon: Double.random(in: 10.6...14.4, using: &rng))!
            let age = Int.random(in: 0...99, using: &rng)
            let q = try DispatchQuery(position: pos, rmi: req.rmi, urgency: urgency, age: age, limit: 500)
            let at = now.adding(minutes: Double(Int.random(in: 0...900, using: &rng)))
            let a = try r.rank(q, in: idx, at: at)
            #expect(a == (try r.rank(q, in: idx, at: at)), "deterministic")
            let (required, _) = req.resources(forAge: age)

            // Naive oracle: capable = profile ⊇ required and Stufe ≥ min; suitable = each required available/limited.
            var naiveSuitable: [(Double, Double, String)] = []
            var naiveUnsuitable = 0
            for h in idx.hospitals where h.profile.isSuperset(of: required) && h.notfallstufe >= req.minNotfallstufe {
                let statuses = required.keys.map { h.condition($0).status(at: at, ttlMinutes: 720) }
                let drive = driveMinutes(pos, h.position, urgency)
                if statuses.allSatisfy(\.takesPatients) {
                    let limited = statuses.filter { if case .limited = $0 { return true } else { return false } }.count
                    naiveSuitable.append((drive + Double(limited) * 10, drive, h.id.rawValue))
                } else {
                    naiveUnsuitable += 1
                }
            }
            #expect(a.suitableTotal == naiveSuitable.count && a.excludedTotal == naiveUnsuitable)
            let naiveOrder = naiveSuitable.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.2)
            // Equal up to ties closer than the rounding of the oracle's independent arithmetic.
            for (c, n) in zip(a.candidates, naiveSuitable.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }) {
                #expect(abs(c.score - n.0) < 0.06, "score of \(c.hospitalId)")
            }
            if Set(a.candidates.map(\.score)).count == a.candidates.count {
                #expect(a.candidates.map(\.hospitalId.rawValue) == naiveOrder)
            }
            // Invariants.
            for (i, c) in a.candidates.enumerated() {
                #expect(c.rank == i + 1)
                #expect(c.resources.allSatisfy { $0.status == .available || $0.status == .limited })
                #expect(c.resources.map(\.resource) == required.keys)
                if i > 0 { #expect(a.candidates[i - 1].score <= c.score) }
            }
            for e in a.excluded {
                #expect(!e.reasons.isEmpty)
                #expect(e.reasons.count == e.resources.filter { $0.status == .closed || $0.status == .unknown }.count)
            }
            for (x, y) in zip(a.excluded, a.excluded.dropFirst()) { #expect(x.driveMinutes <= y.driveMinutes) }
        }
    }

    @Test func closingACandidatesResourceMovesItToExcludedAndKeepsTheOthersOrder() async throws {
        let store = try await seededStore()
        let q = try DispatchQuery(position: GeoPoint(lat: 53.55, lon: 13.26)!, pzc: try PZC(parsing: "332761"), limit: 100)
        let before = try ranking().rank(q, in: try await rebuiltIndex(store), at: t0)
        let victim = try #require(before.candidates.first).hospitalId
        _ = try await CapacityService(store: store).execute(
            .close(.cathLab, reason: "HKL-Wartung", until: t0.adding(minutes: 135)), hospital: victim, by: .importer, at: t0)
        let after = try ranking().rank(q, in: try await rebuiltIndex(store), at: t0.adding(minutes: 1))
        #expect(after.candidates.map(\.hospitalId) == before.candidates.map(\.hospitalId).filter { $0 != victim })
        let ex = try #require(after.excluded.first { $0.hospitalId == victim })
        #expect(ex.reasons == ["Herzkatheterlabor abgemeldet bis 13:15 – Grund: HKL-Wartung"])
    }
}
