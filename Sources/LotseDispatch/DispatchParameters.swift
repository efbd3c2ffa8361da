import LotseCapacity
import LotseDomain

/// The constants of the ranking (DESIGN §4). Configurable; echoed in every answer.
public struct DispatchParameters: Sendable, Codable, Hashable {
    /// Road distance ÷ great-circle distance.
    public var detourFactor: Double = 1.3
    /// Average speed with Sondersignal (urgency 1).
    public var speedKmhUrgency1: Double = 75
    /// Average speed for urgency 2.
    public var speedKmhUrgency2: Double = 60
    /// Average speed for urgency 3.
    public var speedKmhUrgency3: Double = 60
    /// Added to the score for each required resource that is `limited`.
    public var limitedPenaltyMinutes: Double = 10
    /// Added per announced patient en route beyond the free beds of the category the patient needs.
    public var loadPenaltyMinutesPerPatient: Double = 5
    /// A status report older than this counts as `unknown`.
    public var statusTTLMinutes: Double = 12 * 60

    public init() {}

    public func speedKmh(_ u: Urgency) -> Double {
        switch u {
        case .red: speedKmhUrgency1
        case .yellow: speedKmhUrgency2
        case .green: speedKmhUrgency3
        }
    }

    /// Refuses values that would make answers meaningless.
    public func validated() throws(DispatchError) -> DispatchParameters {
        guard detourFactor >= 1, detourFactor <= 3,
              [speedKmhUrgency1, speedKmhUrgency2, speedKmhUrgency3].allSatisfy({ $0 > 0 && $0 <= 200 }),
              limitedPenaltyMinutes >= 0, limitedPenaltyMinutes.isFinite, loadPenaltyMinutesPerPatient >= 0, loadPenaltyMinutesPerPatient.isFinite,
              // An endless time-to-live would let a report of any age count: unknown shown as available.
              statusTTLMinutes > 0, statusTTLMinutes.isFinite
        else { throw .invalidParameters }
        return self
    }
}
