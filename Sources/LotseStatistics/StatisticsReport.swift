import LotseDomain

/// The figures capacity registries are asked for every month, for one period, computed from the log
/// (`LogStatistics`). Counts are of events that occurred in [from, to); durations are the parts inside the period.
public struct StatisticsReport: Sendable, Codable, Equatable {
    public let from: Timestamp
    public let to: Timestamp
    /// `all`, `districts: …` or `hospital: …`.
    public let scope: String
    /// Reports older than this are `unknown`.
    public let statusTTLHours: Double
    public let hospitals: [Hospital]
    public let totals: Totals
    /// nil for one hospital's report (Telenotarzt figures belong to crews and physicians).
    public let telenotarzt: Telenotarzt?
    /// Dispatch questions per hour of the day (0–23, German time), summed over the period — from the counts each node
    /// writes hourly (`DispatchQueriesCounted`); nil for a district's or hospital's report and for a log without counts.
    public let dispatchQueriesPerHour: [Int]?
    public let notes: [String]

    public struct Hospital: Sendable, Codable, Equatable {
        public let hospitalId: HospitalID
        public let name: String
        public let district: String
        public let closures: [Closures]
        /// Per resource of the profile: the share of the period's hours its status was unknown (0…1).
        public let unknownShare: [UnknownShare]
        public let announcements: Announcements
        public let offload: Offload
    }

    public struct Closures: Sendable, Codable, Equatable {
        public let resource: ResourceKey
        public let label: String
        /// Closures that began in the period.
        public let count: Int
        /// Hours closed inside the period (closures begun before it count with their part inside).
        public let hours: Double
        public let reasons: [Count]
        /// How the closures that began in the period ended: by themselves at `until`, reopened early, replaced by a
        /// new closure, or still running at the period's end.
        public let expired: Int
        public let reopened: Int
        public let replaced: Int
        public let stillClosed: Int
    }

    public struct UnknownShare: Sendable, Codable, Equatable {
        public let resource: ResourceKey
        public let label: String
        public let share: Double
    }

    public struct Announcements: Sendable, Codable, Equatable {
        public let announced: Int
        public let acknowledged: Int
        /// Minutes from the announcement to the hospital's acknowledgement.
        public let acknowledgementMinutes: Quantiles?
        /// Neither acknowledged nor cancelled by the period's end.
        public let unacknowledged: Int
        public let cancelledBeforeAcknowledgement: Int
        public let escalated: Int
        /// Announced despite a closed or missing required resource ("Zuweisung trotz Abmeldung"), with the reasons.
        public let overrides: Int
        public let overrideReasons: [Count]
    }

    public struct Offload: Sendable, Codable, Equatable {
        public let handovers: Int
        /// Minutes from arrival to hand-over.
        public let minutes: Quantiles?
    }

    public struct Quantiles: Sendable, Codable, Equatable {
        public let median: Double
        public let p90: Double

        /// Nearest-rank median and 90th percentile; nil without values.
        static func of(_ values: [Double]) -> Quantiles? {
            guard !values.isEmpty else { return nil }
            let v = values.sorted()
            func rank(_ q: Double) -> Double { v[max(0, Int((q * Double(v.count)).rounded(.up)) - 1)] }
            return Quantiles(median: (rank(0.5) * 10).rounded() / 10, p90: (rank(0.9) * 10).rounded() / 10)
        }
    }

    public struct Count: Sendable, Codable, Equatable {
        public let text: String
        public let count: Int
    }

    public struct Totals: Sendable, Codable, Equatable {
        public let closures: Int
        public let closedHours: Double
        public let announced: Int
        public let escalated: Int
        public let overrides: Int
        public let handovers: Int
    }

    public struct Telenotarzt: Sendable, Codable, Equatable {
        public let requested: Int
        public let ended: Int
        public let cancelled: Int
        public let escalated: Int
        public let stillOpen: Int
        public let offersMissed: Int
        public let backupAlerts: Int
        public let leitstelleAlerts: Int
        public let requestToOfferSeconds: Quantiles?
        public let requestToConnectedSeconds: Quantiles?
    }
}
