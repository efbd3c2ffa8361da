import LotseDispatch
import LotseDomain
import LotseMANV
import LotseSeed

/// A mass-casualty incident on an ordinary weekday, distributed three ways (issue 18): Lotse's plan (the minimum-cost
/// flow over the hospitals' acceptance counts), "nearest hospital first" (each patient, SK I first, to the nearest
/// hospital that has the need — how it goes when the Leitstelle phones round and nobody counts), and "nearest with a
/// place left" (the same, but a hospital's count is respected: a greedy dispatcher with the counts in hand).
///
/// Real MV hospitals (`Seeder`), drive times from the shipped travel model. Acceptance counts are derived from each
/// hospital's Notfallstufe and size — an assumption (no public per-hospital MANV quotas for MV): first hour SK I/II/III
/// Stufe 3: 3/6/10, Stufe 2: 2/4/8, Stufe 1: 1/3/5, scaled by √(beds ÷ 400) (between ½ and 1½, rounded; at least 1 SK III).
/// Ambulances: `ambulancesAtStart` at the scene after `firstAmbulanceMinutes`, two more every five minutes up to
/// `maxAmbulances`; each patient waits for the next free one, `loadingMinutes` on scene, the drive, `handoverMinutes`,
/// the drive back. Within a category the longest drives leave first (so the last arrival is as early as it can be).
public struct MANVScenario: Sendable {
    public let label: String
    public let place: GeoPoint
    public let patients: [MANVPatientGroup]
    public var ambulancesAtStart = 6
    public var firstAmbulanceMinutes = 12.0
    public var maxAmbulances = 20
    public var loadingMinutes = 10.0
    public var handoverMinutes = 15.0

    public init(label: String, place: GeoPoint, patients: [MANVPatientGroup]) {
        self.label = label
        self.place = place
        self.patients = patients
    }

    /// 40 patients — 8 SK I (2 of them polytrauma for a Traumazentrum), 12 SK II, 20 SK III — after a bus crash on
    /// the A20 at the Tessin junction (Landkreis Rostock).
    public static let a20Tessin = MANVScenario(
        label: "Busunfall A20, Anschlussstelle Tessin", place: GeoPoint(lat: 54.035, lon: 12.47)!,
        patients: [MANVPatientGroup(category: .red, count: 6), MANVPatientGroup(category: .red, need: ResourceSet([.traumaCenter]), count: 2),
                   MANVPatientGroup(category: .yellow, count: 12), MANVPatientGroup(category: .green, count: 20)])

    /// The same crash in Vorpommern, at the A20 junction Jarmen (Landkreis Vorpommern-Greifswald): fewer and smaller
    /// hospitals within reach.
    public static let a20Jarmen = MANVScenario(
        label: "Busunfall A20, Anschlussstelle Jarmen", place: GeoPoint(lat: 53.93, lon: 13.33)!, patients: a20Tessin.patients)

    /// The bundled scenarios by name.
    public static let bundled: [String: MANVScenario] = ["a20-tessin": a20Tessin, "a20-jarmen": a20Jarmen]

    /// The outcome of one way of distributing the patients.
    public struct Outcome: Sendable, Equatable {
        public let strategy: String
        public let placed: Int
        public let unplaced: Int
        /// Patients beyond a hospital's acceptance count (per category, summed).
        public let overAcceptance: Int
        /// Patients with a need (Traumazentrum) at a hospital without it.
        public let needsUnmet: Int
        public let hospitalsUsed: Int
        public let mostAtOneHospital: Int
        public let totalDriveMinutes: Double
        public let lastRedArrivalMinutes: Double
        public let lastArrivalMinutes: Double
    }

    /// One hospital as the scenario sees it.
    public struct Site: Sendable {
        public let id: HospitalID
        public let name: String
        public let driveMinutes: Double
        public let resources: ResourceSet
        public let accepts: MANVCounts
        public let takesRed: Bool
    }

    /// The MV sites with an emergency department, their drive time from the scene and their derived acceptance.
    public func sites() throws -> [Site] {
        let travel = CalibratedTravelTime.shipped
        let origin = travel.origin(UnitVector(place))
        return try Seeder.registrations().compactMap { reg, source in
            guard reg.notfallstufe >= 1 else { return nil }
            let minutes = travel.drive(from: origin, to: nil, at: UnitVector(reg.position), urgency: .red).minutes
            return Site(id: reg.id, name: reg.name, driveMinutes: (minutes * 10).rounded() / 10, resources: reg.profile,
                        accepts: Self.acceptance(notfallstufe: reg.notfallstufe, beds: source.beds),
                        takesRed: reg.notfallstufe >= 2 || reg.profile.contains(.traumaCenter))
        }.sorted { ($0.driveMinutes, $0.id) < ($1.driveMinutes, $1.id) }
    }

    /// First-hour acceptance from the Notfallstufe and the size (see the type's note: an assumption).
    public static func acceptance(notfallstufe: Int, beds: Int) -> MANVCounts {
        let base: MANVCounts = switch notfallstufe {
        case 3...: MANVCounts(red: 3, yellow: 6, green: 10)
        case 2: MANVCounts(red: 2, yellow: 4, green: 8)
        case 1: MANVCounts(red: 1, yellow: 3, green: 5)
        default: .zero
        }
        let scale = min(1.5, max(0.5, (Double(beds) / 400).squareRoot()))
        func s(_ n: Int) -> Int { Int((Double(n) * scale).rounded()) }
        return MANVCounts(red: s(base.red), yellow: s(base.yellow), green: max(notfallstufe >= 1 ? 1 : 0, s(base.green)))
    }

    /// The three strategies side by side.
    public func compare() throws -> [Outcome] {
        var lotseReach = 0.0
        let all = try sites()
        let red = patients.filter { $0.category == .red }.map(\.count).reduce(0, +)
        // Lotse: the plan over the hospitals within reach (the ones it asks); while patients are left unplaced the
        // dispatcher widens the reach by 15 minutes (`POST …/reach`) and plans again.
        var reach = MANVReach.defaultMinutes(all.map { MANVReach.Candidate(minutes: $0.driveMinutes, takesRed: $0.takesRed) }, red: red)
        var plan: MANVPlan
        repeat {
            plan = MANVPlanner.plan(patients, offers: all.filter { $0.driveMinutes <= reach }.map {
                MANVHospitalOffer(hospital: $0.id, driveMinutes: $0.driveMinutes, accepts: $0.accepts.byCategory, resources: $0.resources)
            })
            if plan.unplaced.isEmpty || reach >= (all.last?.driveMinutes ?? 0) { break }
            reach += 15
        } while true
        lotseReach = reach
        var lotse: [(MANVPatientGroup, HospitalID)] = []
        for a in plan.assignments { lotse += Array(repeating: (a.group, a.hospital), count: a.patients) }
        // Nearest first, with and without the counts (all MV sites: a phoning dispatcher is not bound to a reach).
        var nearest: [(MANVPatientGroup, HospitalID)] = []
        var greedy: [(MANVPatientGroup, HospitalID)] = []
        var left: [HospitalID: MANVCounts] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.accepts) })
        for g in patients.sorted(by: { ($0.category, -$0.need.count) < ($1.category, -$1.need.count) }) {
            for _ in 0..<g.count {
                if let h = all.first(where: { $0.resources.isSuperset(of: g.need) }) { nearest.append((g, h.id)) }
                if let h = all.first(where: { $0.resources.isSuperset(of: g.need) && left[$0.id]![g.category] > 0 }) {
                    left[h.id]![g.category] -= 1
                    greedy.append((g, h.id))
                }
            }
        }
        let total = patients.map(\.count).reduce(0, +)
        return [
            outcome("Lotse: Verteilungsplan (Reichweite \(Int(lotseReach)) min)", lotse, total: total, sites: all),
            outcome("Nächste Klinik zuerst", nearest, total: total, sites: all),
            outcome("Nächste Klinik mit freiem Platz", greedy, total: total, sites: all),
        ]
    }

    /// Counts and the transport timeline of one distribution.
    func outcome(_ name: String, _ sent: [(MANVPatientGroup, HospitalID)], total: Int, sites: [Site]) -> Outcome {
        let byID = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
        var received: [HospitalID: MANVCounts] = [:]
        for (g, h) in sent { received[h, default: .zero][g.category] += 1 }
        let over = received.map { h, c in Sichtungskategorie.allCases.map { max(0, c[$0] - byID[h]!.accepts[$0]) }.reduce(0, +) }.reduce(0, +)
        let unmet = sent.filter { !byID[$0.1]!.resources.isSuperset(of: $0.0.need) }.count
        // The timeline: SK I first, longest drive first within a category; the next free ambulance takes the next patient.
        let order = sent.map { (category: $0.0.category, drive: byID[$0.1]!.driveMinutes) }.sorted { ($0.category, -$0.drive) < ($1.category, -$1.drive) }
        var free: [Double] = (0..<maxAmbulances).map { i in
            i < ambulancesAtStart ? firstAmbulanceMinutes : firstAmbulanceMinutes + 5 * Double((i - ambulancesAtStart) / 2 + 1)
        }
        var lastRed = 0.0, last = 0.0
        for p in order {
            let k = free.indices.min { free[$0] < free[$1] }!
            let arrival = free[k] + loadingMinutes + p.drive
            free[k] = arrival + handoverMinutes + p.drive
            last = max(last, arrival)
            if p.category == .red { lastRed = max(lastRed, arrival) }
        }
        return Outcome(strategy: name, placed: sent.count, unplaced: total - sent.count, overAcceptance: over, needsUnmet: unmet,
                       hospitalsUsed: received.count, mostAtOneHospital: received.values.map(\.total).max() ?? 0,
                       totalDriveMinutes: sent.map { byID[$0.1]!.driveMinutes }.reduce(0, +), lastRedArrivalMinutes: lastRed, lastArrivalMinutes: last)
    }

    /// The comparison as a Markdown table (German labels).
    public static func markdown(_ outcomes: [Outcome], scenario: MANVScenario) -> String {
        func f(_ v: Double) -> String { String(Int(v.rounded())) }
        var lines = [
            "| \(scenario.label) | " + outcomes.map(\.strategy).joined(separator: " | ") + " |",
            "|---|" + outcomes.map { _ in "---:" }.joined(separator: "|") + "|",
        ]
        let rows: [(String, (Outcome) -> String)] = [
            ("Patienten verteilt / ohne Klinik", { "\($0.placed) / \($0.unplaced)" }),
            ("über der Aufnahmezusage einer Klinik", { "\($0.overAcceptance)" }),
            ("Traumazentrum nötig, aber nicht dort", { "\($0.needsUnmet)" }),
            ("Kliniken genutzt / höchstens an einer", { "\($0.hospitalsUsed) / \($0.mostAtOneHospital)" }),
            ("Fahrzeit gesamt (Patientenminuten)", { f($0.totalDriveMinutes) }),
            ("letzter SK I in der Klinik (min nach Alarm)", { f($0.lastRedArrivalMinutes) }),
            ("letzter Patient in der Klinik (min)", { f($0.lastArrivalMinutes) }),
        ]
        for (label, value) in rows { lines.append("| \(label) | " + outcomes.map(value).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }
}
