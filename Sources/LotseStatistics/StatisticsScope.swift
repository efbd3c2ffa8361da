import LotseDomain

/// Whose figures a statistics report holds: everything (admin), the hospitals and announcements of some districts
/// (a dispatcher), or one hospital (that hospital).
public enum StatisticsScope: Sendable, Equatable {
    case all
    case districts(Set<DistrictID>)
    case hospital(HospitalID)

    func includes(hospital id: HospitalID, district: DistrictID?) -> Bool {
        switch self {
        case .all: true
        case let .districts(ds): district.map(ds.contains) ?? false
        case let .hospital(h): h == id
        }
    }

    /// Telenotarzt figures belong to crews and physicians, not to one hospital.
    var includesTelenotarzt: Bool {
        if case .hospital = self { return false }
        return true
    }
}
