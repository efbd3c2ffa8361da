import LotseCapacity
import LotseDomain

/// The explainable answer to a dispatch query. Stable JSON: field names are part of the interface.
public struct DispatchAnswer: Sendable, Codable, Hashable {
    /// The log position the answer was computed at.
    public let logPosition: Int64
    /// The requirement table version used.
    public let rulesVersion: String
    /// The time the answer was computed for (statuses and data age depend on it).
    public let evaluatedAt: Timestamp
    public let query: Query
    public let parameters: DispatchParameters
    public let travelTimeModel: String
    /// Suitable hospitals by score (ties: drive time, then id).
    public let candidates: [Candidate]
    /// How many suitable hospitals there were in all (the list is cut at the limit).
    public let suitableTotal: Int
    /// Capable but currently unsuitable hospitals, nearest first, with reasons.
    public let excluded: [Excluded]
    public let excludedTotal: Int

    public struct Query: Sendable, Codable, Hashable {
        public let pzc: String
        public let rmi: String
        public let indication: String
        public let urgency: Int
        public let age: Int
        public let lat: Double
        public let lon: Double
        public let district: String?
        public let limit: Int
        /// Resource keys every candidate must have taking patients (after the paediatric substitution).
        public let required: [ResourceKey]
        public let preferred: [ResourceKey]
        public let minNotfallstufe: Int
        /// True when the paediatric alternative applied (age < 18).
        public let pediatric: Bool
    }

    public struct ResourceState: Sendable, Codable, Hashable {
        public let resource: ResourceKey
        public let label: String
        public let status: ResourceStatus.Kind
        public let reportedAt: Timestamp?
        public let until: Timestamp?
        public let reason: String?

        /// The status people see of `key` at `now`.
        public init(_ condition: ResourceCondition, _ key: ResourceKey, at now: Timestamp, ttlMinutes: Double) {
            let s = condition.status(at: now, ttlMinutes: ttlMinutes)
            resource = key
            label = key.germanLabel
            status = s.kind
            reportedAt = s.reportedAt
            if case let .closed(r, u, _) = s {
                until = u
                reason = r
            } else {
                until = nil
                reason = nil
            }
        }
    }

    public struct ScoreParts: Sendable, Codable, Hashable {
        public let driveMinutes: Double
        public let limitedPenaltyMinutes: Double
        public let loadPenaltyMinutes: Double
    }

    public struct Candidate: Sendable, Codable, Hashable {
        public let rank: Int
        public let hospitalId: HospitalID
        public let name: String
        public let district: String
        public let notfallstufe: Int
        public let driveMinutes: Double
        public let distanceKm: Double
        public let score: Double
        public let scoreParts: ScoreParts
        public let resources: [ResourceState]
        /// Preferred resources this hospital has in its profile (information; not scored, DESIGN §4).
        public let preferredPresent: [ResourceKey]
        public let freeBeds: [BedCategory: Int]
        public let bedsReportedAt: Timestamp?
        public let patientsEnRoute: Int
        /// Minutes since the oldest report the answer rests on (required resources and beds).
        public let dataAgeMinutes: Double?
    }

    public struct Excluded: Sendable, Codable, Hashable {
        public let hospitalId: HospitalID
        public let name: String
        public let driveMinutes: Double
        public let resources: [ResourceState]
        /// German reasons, one per resource that does not take patients.
        public let reasons: [String]
    }
}
