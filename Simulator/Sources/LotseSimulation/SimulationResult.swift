import Foundation
import Histogram
import LotseDemand

/// What one run produced. `outcomes` depends only on the scenario (same seed → equal outcomes);
/// `performance` is wall-clock and differs from run to run.
public struct SimulationResult: Codable, Sendable {
    public var scenario: String
    public var policy: RankingPolicy
    public var physicians: Int
    public var seed: UInt64
    public var days: Int
    public var outcomes: Outcomes
    public var performance: Performance
    /// The derived Rettungswachen (district, town, RTW) the run used.
    public var stations: [StationSummary] = []
}

public struct StationSummary: Codable, Sendable, Hashable {
    public let district: String
    public let town: String
    public let ambulances: Int
    public let catchment: Int
    public let tnaEquipped: Bool
}

/// A histogram in whole-unit bins (minutes, seconds): `bins[i]` counts values in [i, i+1); the last bin also
/// holds everything above.
public struct Bins: Codable, Sendable, Hashable {
    public var bins: [Int]
    public init(count: Int) { bins = [Int](repeating: 0, count: count) }

    public mutating func add(_ value: Double) {
        bins[min(bins.count - 1, max(0, Int(value)))] += 1
    }

    public var total: Int { bins.reduce(0, +) }

    /// Share of values below `limit` (bins wholly below it).
    public func share(below limit: Int) -> Double {
        let t = total
        return t == 0 ? 0 : Double(bins.prefix(limit).reduce(0, +)) / Double(t)
    }

    /// The value at the given percentile (0–100), as the bin's lower bound.
    public func percentile(_ p: Double) -> Int {
        let t = total
        guard t > 0 else { return 0 }
        let want = Int((Double(t) * p / 100).rounded(.up))
        var seen = 0
        for (i, n) in bins.enumerated() {
            seen += n
            if seen >= max(1, want) { return i }
        }
        return bins.count - 1
    }

    public var mean: Double {
        let t = total
        return t == 0 ? 0 : Double(bins.enumerated().reduce(0) { $0 + ($1.offset * $1.element) }) / Double(t) + 0.5
    }
}

public struct Outcomes: Codable, Sendable, Hashable {
    // Demand
    public var missions = 0
    public var transported = 0
    public var byHour = [Int](repeating: 0, count: 24)
    public var byWeekday = [Int](repeating: 0, count: 7)
    public var byMonth = [Int](repeating: 0, count: 12)
    public var byUrgency = [Int](repeating: 0, count: 3)
    public var byCode: [String: Int] = [:]
    public var byDistrict: [String: Int] = [:]
    public var children = 0

    // Ambulances
    public var responseMinutes = Bins(count: 61)
    public var waitedForAmbulance = 0

    // Patients
    public var driveMinutes = Bins(count: 121)
    public var callToArrivalMinutes = Bins(count: 181)
    public var tracers: [String: TracerOutcome] = [:]
    /// Patients who arrived where a required resource was closed (the hospital would have rejected them).
    public var arrivedWhereClosed = 0
    /// Patients who arrived where the beds they need were already full.
    public var arrivedOverCapacity = 0
    /// Patients Lotse could place at a suitable hospital vs. sent with an override.
    public var overrides = 0
    /// Of those, the announcements the log records as overrides (a required resource closed or missing there).
    public var overridesRecorded = 0
    public var noCandidate = 0
    public var admitted = 0

    // Hospitals
    public var closures = 0
    public var closuresByResource: [String: Int] = [:]
    public var closuresRefusedWithoutReason = 0
    public var reopenings = 0
    public var outages = 0
    public var closureExpiries = 0
    public var bedReports = 0
    public var statusReports = 0
    public var reportsMissed = 0
    public var announcementsEscalated = 0
    public var unacknowledged = 0

    // Telenotarzt
    public var tna = TNAOutcome()

    /// One point per simulated day.
    public var daily: [DayPoint] = []

    /// Events in the log at the end.
    public var logEvents: Int64 = 0
}

public struct TracerOutcome: Codable, Sendable, Hashable {
    public var patients = 0
    /// At a hospital with every required resource open and a bed free, within 60 minutes of the call.
    public var suitableWithin60 = 0
    public var suitable = 0
    public var within60 = 0
    public var callToArrival = Bins(count: 181)
}

public struct TNAOutcome: Codable, Sendable, Hashable {
    public var equippedAmbulances = 0
    public var requests = 0
    public var connected = 0
    public var offersMissed = 0
    /// Requests called off because the patient was handed over before a Telenotarzt took the case.
    public var cancelled = 0
    public var escalatedToNotarzt = 0
    public var backupAlerts = 0
    public var leitstelleAlerts = 0
    /// Request → accepted, seconds.
    public var waitSeconds = Bins(count: 3601)
    /// Connected → ended, minutes.
    public var durationMinutes = Bins(count: 121)
    public var byKind: [String: Int] = [:]
}

public struct DayPoint: Codable, Sendable, Hashable {
    public var day: Int
    public var missions: Int
    /// Events appended that day.
    public var events: Int
    /// Resources closed at the end of the day, and the most at any hour of it.
    public var closedResources: Int
    public var peakClosedResources: Int
    /// Resources shown as unknown (stale) at the end of the day.
    public var unknownResources: Int
    /// Occupied / operable beds statewide, normal ward and ICU, at the end of the day.
    public var normalOccupancy: Double
    public var icuOccupancy: Double
    public var tnaRequests: Int
}

/// Wall-clock figures of a run (not deterministic).
public struct Performance: Codable, Sendable {
    public var wallSeconds: Double = 0
    public var commands = 0
    /// Per request type: count and percentiles in microseconds.
    public var latency: [String: LatencySummary] = [:]
    /// Wall seconds at the end of each simulated day (for throughput over time).
    public var wallAtDayEnd: [Double] = []
}
