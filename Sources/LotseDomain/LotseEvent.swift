/// Any event of the Lotse log that a projection understands.
public enum LotseEvent: Sendable, Hashable {
    case hospital(HospitalEvent)
    case announcement(AnnouncementEvent)

    public var typeName: String {
        switch self {
        case let .hospital(e): e.typeName
        case let .announcement(e): e.typeName
        }
    }

    public var occurredAt: Timestamp {
        switch self {
        case let .hospital(e): e.occurredAt
        case let .announcement(e): e.occurredAt
        }
    }
}

extension BedCategory {
    /// Dense index 0..<6 (declaration order).
    public var index: Int {
        switch self {
        case .icuLowCare: 0
        case .icuHighCare: 1
        case .ecmo: 2
        case .normal: 3
        case .pediatric: 4
        case .pediatricICU: 5
        }
    }

    public static let all: [BedCategory] = allCases

    /// The bed category a patient with these required resources will occupy (for the load penalty).
    public static func needed(for required: ResourceSet) -> BedCategory {
        if required.contains(.pediatricICU) { return .pediatricICU }
        if required.contains(.icu) || required.contains(.ecmo) { return .icuHighCare }
        if required.contains(.pediatrics) { return .pediatric }
        return .normal
    }

    /// The categories whose free beds count against patients needing `self` (ICU: high and low care).
    public var pooled: [BedCategory] {
        switch self {
        case .icuHighCare, .icuLowCare: [.icuHighCare, .icuLowCare]
        default: [self]
        }
    }
}
