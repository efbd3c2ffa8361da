/// Which codes a patient can be sent to a hospital with, and why a dispatch question has no answer: rules of the
/// requirement table, shared by the dispatch ranking and announcements.
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

extension RequirementTable {
    /// The requirement of a code a patient can be sent with: refuses unknown codes, non-allocation codes (000,
    /// 111, 121–123, 631), codes without requirements (601) and urgencies the code does not allow.
    public func allocationRequirement(rmi: RMI, urgency: Urgency) throws(DispatchError) -> Requirement {
        guard let req = self[rmi] else { throw .unknownRMI(rmi.code) }
        guard req.isAllocationCode else { throw .notAnAllocationCode(rmi: req.rmi.code, name: req.nameDE) }
        guard !req.required.isEmpty else { throw .noRequirements(rmi: req.rmi.code, name: req.nameDE) }
        guard req.allowedUrgencies.contains(urgency) else {
            throw .urgencyNotAllowed(rmi: req.rmi.code, urgency: urgency.rawValue, allowed: req.allowedUrgencies.map(\.rawValue).sorted())
        }
        return req
    }
}
