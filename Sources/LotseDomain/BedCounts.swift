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
    /// Surge: beds more that can be made available within 24 h, and within 72 h (cumulative, so ≥ the 24 h figure) —
    /// EDXL-HAVE 1.0's AdditionalCapacityCount24Hr/72Hr. Absent: not reported (never read as zero).
    public let additional24h: Int?
    public let additional72h: Int?

    public init(free: Int, operable: Int, additional24h: Int? = nil, additional72h: Int? = nil) {
        self.free = free
        self.operable = operable
        self.additional24h = additional24h
        self.additional72h = additional72h
    }

    /// 0 ≤ free ≤ operable ≤ 100 000; surge figures 0–100 000 with 72 h ≥ 24 h.
    public var isValid: Bool {
        guard free >= 0, operable >= 0, free <= operable, operable <= 100_000 else { return false }
        if let a = additional24h, !(0...100_000).contains(a) { return false }
        if let b = additional72h, !(0...100_000).contains(b) { return false }
        if let a = additional24h, let b = additional72h, b < a { return false }
        return true
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
