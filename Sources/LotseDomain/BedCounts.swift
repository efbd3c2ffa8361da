/// A bed category (DIVI's intensive-care categories and normal wards).
public enum BedCategory: String, CaseIterable, Sendable, Codable, CodingKeyRepresentable, Comparable {
    case icuLowCare = "icu-low-care"
    case icuHighCare = "icu-high-care"
    case ecmo
    case normal
    case pediatric
    case pediatricICU = "pediatric-icu"

    public static func < (lhs: BedCategory, rhs: BedCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var germanLabel: String {
        switch self {
        case .icuLowCare: "ITS Low Care"
        case .icuHighCare: "ITS High Care"
        case .ecmo: "ECMO"
        case .normal: "Normalstation"
        case .pediatric: "Kinderstation"
        case .pediatricICU: "Kinder-ITS"
        }
    }
}

/// Free and operable beds of one category.
public struct BedCount: Hashable, Sendable, Codable {
    /// Beds that can take a patient now.
    public let free: Int
    /// Beds that are staffed and equipped (free ≤ operable).
    public let operable: Int

    public init(free: Int, operable: Int) {
        self.free = free
        self.operable = operable
    }
}

/// The last bed report of a hospital.
public struct BedReport: Hashable, Sendable, Codable {
    public var counts: [BedCategory: BedCount]
    public var reportedAt: Timestamp

    public init(counts: [BedCategory: BedCount], reportedAt: Timestamp) {
        self.counts = counts
        self.reportedAt = reportedAt
    }
}
