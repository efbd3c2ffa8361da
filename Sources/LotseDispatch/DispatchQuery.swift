import LotseCapacity
import LotseDomain

/// A dispatch question: where is the patient, with which indication, urgency and age.
public struct DispatchQuery: Sendable, Hashable {
    public let position: GeoPoint
    public let rmi: RMI
    public let urgency: Urgency
    public let age: Int
    /// Only hospitals of this Rettungsdienstbereich, when set.
    public let district: DistrictID?
    /// Longest list of candidates (and of excluded hospitals) in the answer.
    public let limit: Int

    public init(position: GeoPoint, rmi: RMI, urgency: Urgency, age: Int, district: DistrictID? = nil, limit: Int = 10) throws(DispatchError) {
        guard (0...99).contains(age) else { throw .pzc(.ageOutOfRange(age)) }
        guard (1...500).contains(limit) else { throw .invalidLimit(limit) }
        self.position = position
        self.rmi = rmi
        self.urgency = urgency
        self.age = age
        self.district = district
        self.limit = limit
    }

    public init(position: GeoPoint, pzc: PZC, district: DistrictID? = nil, limit: Int = 10) throws(DispatchError) {
        try self.init(position: position, rmi: pzc.rmi, urgency: pzc.urgency, age: pzc.age, district: district, limit: limit)
    }
}
