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

/// Why a dispatch question has no answer. The caller should correct the input; Lotse never falls back to "any hospital".
public enum DispatchError: Error, Equatable, Sendable, CustomStringConvertible {
    case pzc(PZCError)
    /// The RMI is not in the requirement table.
    case unknownRMI(String)
    /// A statistics / outcome code (000, 111, 121–123, 631) that sends no patient to a hospital.
    case notAnAllocationCode(rmi: String, name: String)
    /// A code whose destination is a booked service (601): no ranking.
    case noRequirements(rmi: String, name: String)
    /// The code does not allow this urgency (e.g. 421 only as urgency 1).
    case urgencyNotAllowed(rmi: String, urgency: Int, allowed: [Int])
    case invalidLimit(Int)
    case invalidParameters

    public var description: String {
        switch self {
        case let .pzc(e): e.description
        case let .unknownRMI(r): "RMI \(r) ist nicht in der Zuweisungstabelle / unknown RMI"
        case let .notAnAllocationCode(r, n): "Code \(r) („\(n)“) ist kein Zuweisungscode – kein Transport in eine Klinik / not an allocation code"
        case let .noRequirements(r, n): "Code \(r) („\(n)“) hat keine Anforderungen (Ziel ist die gebuchte Leistung) – keine Empfehlung möglich / code has no requirements"
        case let .urgencyNotAllowed(r, u, a): "RMI \(r) erlaubt Dringlichkeit \(a.map(String.init).joined(separator: "/")), nicht \(u) / urgency not allowed for this RMI"
        case let .invalidLimit(l): "Anzahl \(l) ungültig: erlaubt sind 1–500 / limit must be 1–500"
        case .invalidParameters: "Ungültige Ranking-Parameter / invalid ranking parameters"
        }
    }
}
