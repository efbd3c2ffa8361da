import Foundation
import LotseDomain

/// A simulation scenario: everything a run depends on, as a JSON file, so a run can be repeated and shared.
/// Every figure in the bundled scenarios is sourced or marked as an assumption in `Docs/SIMULATION.md`.
public struct Scenario: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var seed: UInt64
    /// First simulated day (local midnight, Europe/Berlin), `YYYY-MM-DD`.
    public var startDate: String
    public var days: Int
    public var demand: Demand
    public var fleet: Fleet
    public var timing: Timing
    public var hospitals: Hospitals
    public var tna: TNA
    /// The policy of the main run: `lotse` (capacity-aware ranking) or `nearest` (nearest capable hospital).
    public var ranking: RankingPolicy
    /// Further runs on the same demand for the policy lab (each changes one thing).
    public var variants: [Variant]

    public struct Demand: Codable, Sendable, Hashable {
        /// Ambulance missions per year (scaled to `days`).
        public var missionsPerYear: Double
        /// Relative demand per hour of the day 0–23 (normalised).
        public var hourly: [Double]
        /// Factor per weekday, Monday first (normalised to a mean of 1).
        public var weekday: [Double]
        /// Factor per month, January first (normalised to a mean of 1).
        public var monthly: [Double]
        /// Indication codes with their share of missions and urgency weights.
        public var codes: [CodeShare]
        /// Urgency weights (1, 2, 3) for codes that give none.
        public var urgencyWeights: [Double]
        /// Share of missions without transport (treated on scene, refused, no patient).
        public var nonTransportShare: Double
        /// Share of patients under 18 for codes open to all ages.
        public var childShare: Double
        /// Mean and SD of the adults' age.
        public var adultAgeMean: Double
        public var adultAgeSD: Double
    }

    public struct CodeShare: Codable, Sendable, Hashable {
        public var rmi: String
        public var share: Double
        /// Urgency weights (1, 2, 3); nil = the demand's default, restricted to the urgencies the code allows.
        public var urgencyWeights: [Double]?
        /// The tracer diagnosis this code stands for (Eckpunktepapier 2016), if any.
        public var tracer: String?
        /// Fixed age range, e.g. paediatric or obstetric codes.
        public var ageRange: [Int]?
    }

    public struct Fleet: Codable, Sendable, Hashable {
        /// Rettungswachen statewide.
        public var stations: Int
        /// RTW on duty statewide (spread over the stations by catchment population, at least one each).
        public var ambulances: Int
        /// Weight of the population share against the area share when stations are given to districts.
        public var populationWeight: Double
    }

    public struct Timing: Codable, Sendable, Hashable {
        /// Call to alarm (Leitstelle), minutes.
        public var callProcessingMinutes: Double
        /// Time on scene: mean and SD (lognormal), minutes.
        public var onSceneMeanMinutes: Double
        public var onSceneSDMinutes: Double
        /// Handover at the hospital before the RTW is free, minutes.
        public var handoverMinutes: Double
        /// Time until the hospital acknowledges an announcement: mean and SD (lognormal), minutes.
        public var acknowledgeMeanMinutes: Double
        public var acknowledgeSDMinutes: Double
        /// Share of announcements never acknowledged (escalated when red).
        public var unacknowledgedShare: Double
    }

    public struct Hospitals: Codable, Sendable, Hashable {
        /// Occupancy the other patients (elective, walk-in, transfers) keep on average, per category.
        public var backgroundOccupancy: Double
        /// Mean length of stay in days per bed category (`normal`, `icu-high-care`, …).
        public var lengthOfStayDays: [BedCategory: Double]
        /// Share of transported patients admitted, per urgency 1, 2, 3 (the others go home from the ED).
        public var admissionShare: [Double]
        /// Local times of the regular reports (beds and resource statuses), `HH:MM`.
        public var reportTimes: [String]
        /// Reporting behaviour classes: share of hospitals, median delay of a report, share of reports never sent.
        public var reporting: [ReportingClass]
        /// Hours a closure for full beds is set for (`until`), and the free beds needed to reopen.
        public var closureHours: Double
        public var reopenFreeBeds: Int
        /// Share of closures first sent without a reason (Lotse refuses them; the hospital sends again with one).
        public var closureWithoutReasonShare: Double
        /// Device or team outages (CT, cath lab, stroke unit, …) per resource and month, and their duration range in hours.
        public var outagesPerResourceMonth: Double
        public var outageHours: [Double]
    }

    public struct ReportingClass: Codable, Sendable, Hashable {
        public var name: String
        public var share: Double
        public var delayMedianMinutes: Double
        public var missShare: Double
    }

    public struct TNA: Codable, Sendable, Hashable {
        /// Districts whose RTW are equipped for the Telenotarzt (`*` = all).
        public var equippedDistricts: [String]
        /// Consultations per equipped RTW and day.
        public var requestsPerAmbulanceDay: Double
        public var durationMeanMinutes: Double
        public var durationSDMinutes: Double
        /// Physicians on duty 24/7.
        public var physicians: Int
        /// Seconds until a physician accepts an offer (mean, exponential), and the share of offers missed.
        public var acceptSeconds: Double
        public var missedOfferShare: Double
        /// Seconds from acceptance to a live connection.
        public var connectSeconds: Double
        /// Share of consultations handed over to a physical Notarzt.
        public var escalationShare: Double
        /// Consultation kinds with their shares (`crew-advice`, `dispatched-with-ambulance`, …).
        public var kinds: [ConsultationKind: Double]
    }

    public struct Variant: Codable, Sendable, Hashable {
        public var name: String
        public var ranking: RankingPolicy?
        public var physicians: Int?
    }

    /// The scenario with one variant's changes.
    public func applying(_ v: Variant) -> Scenario {
        var s = self
        s.name = "\(name) · \(v.name)"
        if let r = v.ranking { s.ranking = r }
        if let p = v.physicians { s.tna.physicians = p }
        s.variants = []
        return s
    }

    /// The first simulated instant.
    public var start: Timestamp {
        get throws(ScenarioError) {
            let parts = startDate.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
                throw .invalid("startDate „\(startDate)“ ist kein Datum JJJJ-MM-TT")
            }
            return GermanTime.instant(year: parts[0], month: parts[1], day: parts[2], hour: 0, minute: 0)
        }
    }

    /// Checks what JSON cannot: lengths, ranges, sums.
    public func validate() throws(ScenarioError) {
        func check(_ ok: Bool, _ what: String) throws(ScenarioError) { if !ok { throw .invalid(what) } }
        _ = try start
        try check((1...3660).contains(days), "days muss 1–3660 sein")
        try check(demand.missionsPerYear > 0, "demand.missionsPerYear muss > 0 sein")
        try check(demand.hourly.count == 24 && demand.hourly.allSatisfy { $0 >= 0 } && demand.hourly.reduce(0, +) > 0, "demand.hourly braucht 24 Werte ≥ 0")
        try check(demand.weekday.count == 7 && demand.weekday.allSatisfy { $0 > 0 }, "demand.weekday braucht 7 Werte > 0")
        try check(demand.monthly.count == 12 && demand.monthly.allSatisfy { $0 > 0 }, "demand.monthly braucht 12 Werte > 0")
        try check(!demand.codes.isEmpty && demand.codes.allSatisfy { $0.share > 0 }, "demand.codes: mindestens ein Code, Anteile > 0")
        try check(demand.urgencyWeights.count == 3, "demand.urgencyWeights braucht 3 Werte")
        for c in demand.codes {
            try check(c.urgencyWeights == nil || c.urgencyWeights!.count == 3, "demand.codes[\(c.rmi)].urgencyWeights braucht 3 Werte")
            try check(c.ageRange == nil || (c.ageRange!.count == 2 && c.ageRange![0] >= 0 && c.ageRange![0] <= c.ageRange![1] && c.ageRange![1] <= 99), "demand.codes[\(c.rmi)].ageRange ungültig")
        }
        try check((0..<1).contains(demand.nonTransportShare), "demand.nonTransportShare muss in [0, 1) liegen")
        try check(fleet.stations > 0 && fleet.ambulances >= fleet.stations, "fleet: mindestens eine Wache, je Wache mindestens ein RTW")
        try check(hospitals.admissionShare.count == 3, "hospitals.admissionShare braucht 3 Werte")
        try check(!hospitals.reportTimes.isEmpty && hospitals.reportTimes.allSatisfy { Self.minuteOfDay($0) != nil }, "hospitals.reportTimes: Uhrzeiten HH:MM")
        try check(!hospitals.reporting.isEmpty && hospitals.reporting.allSatisfy { $0.share >= 0 && (0...1).contains($0.missShare) }, "hospitals.reporting ungültig")
        try check(hospitals.outageHours.count == 2 && hospitals.outageHours[0] > 0 && hospitals.outageHours[0] <= hospitals.outageHours[1], "hospitals.outageHours: [min, max] in Stunden")
        try check((0..<1).contains(hospitals.backgroundOccupancy), "hospitals.backgroundOccupancy muss in [0, 1) liegen")
        try check(tna.physicians >= 0 && tna.physicians <= 20, "tna.physicians muss 0–20 sein")
        try check(tna.durationMeanMinutes > 0 && tna.durationSDMinutes > 0, "tna.duration muss > 0 sein")
    }

    public static func minuteOfDay(_ s: String) -> Int? {
        let p = s.split(separator: ":").compactMap { Int($0) }
        guard p.count == 2, (0..<24).contains(p[0]), (0..<60).contains(p[1]) else { return nil }
        return p[0] * 60 + p[1]
    }

    /// Loads a scenario: a bundled name (`mv-year`, `mv-week`) or a path to a JSON file.
    public static func load(_ nameOrPath: String) throws(ScenarioError) -> Scenario {
        let data: Data
        if FileManager.default.fileExists(atPath: nameOrPath) {
            guard let d = FileManager.default.contents(atPath: nameOrPath) else { throw .unreadable(nameOrPath) }
            data = d
        } else if let url = Bundle.module.url(forResource: nameOrPath, withExtension: "json", subdirectory: "Scenarios"),
                  let d = try? Data(contentsOf: url) {
            data = d
        } else {
            throw .notFound(nameOrPath, bundled: bundledNames)
        }
        let s: Scenario
        do { s = try JSONDecoder().decode(Scenario.self, from: data) } catch { throw .decoding(nameOrPath, Self.describe(error)) }
        try s.validate()
        return s
    }

    public static var bundledNames: [String] {
        let dir = Bundle.module.url(forResource: "Scenarios", withExtension: nil)
        let files = dir.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) } ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(k, c): "Feld „\((c.codingPath + [k]).map(\.stringValue).joined(separator: "."))“ fehlt"
        case let DecodingError.typeMismatch(_, c), let DecodingError.valueNotFound(_, c), let DecodingError.dataCorrupted(c):
            "Feld „\(c.codingPath.map(\.stringValue).joined(separator: "."))“: \(c.debugDescription)"
        default: "\(error)"
        }
    }
}

/// How the Leitstelle picks the hospital.
public enum RankingPolicy: String, Codable, Sendable, Hashable, CaseIterable {
    /// Lotse's ranking: suitable now (closures, unknown data), drive time, penalties for limited resources and patients en route.
    case lotse
    /// Without a capacity registry: the nearest hospital that has the required resources at all.
    case nearest

    public var germanLabel: String {
        switch self {
        case .lotse: "Lotse-Ranking (kapazitätsbewusst)"
        case .nearest: "nächste geeignete Klinik (ohne Kapazität)"
        }
    }
}

/// Why a scenario cannot be run. One line each, German first.
public enum ScenarioError: Error, CustomStringConvertible, Equatable {
    case notFound(String, bundled: [String])
    case unreadable(String)
    case decoding(String, String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .notFound(n, b): "Szenario „\(n)“ nicht gefunden (weder Datei noch mitgeliefert: \(b.joined(separator: ", "))) / scenario not found"
        case let .unreadable(p): "Szenario-Datei \(p) nicht lesbar / unreadable"
        case let .decoding(n, d): "Szenario „\(n)“ fehlerhaft: \(d) / invalid scenario"
        case let .invalid(d): "Szenario ungültig: \(d) / invalid scenario"
        }
    }
}
