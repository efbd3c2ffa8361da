/// A static capability of a hospital site, from the vocabulary of `RESOURCES.md` (28 keys).
public enum ResourceKey: String, CaseIterable, Sendable, Codable, Comparable {
    case emergencyDepartment = "emergency-department"
    case traumaBay = "trauma-bay"
    case traumaCenter = "trauma-center"
    case ct
    case mri
    case strokeUnit = "stroke-unit"
    case thrombectomy
    case cathLab = "cath-lab"
    case chestPainUnit = "chest-pain-unit"
    case icu
    case ecmo
    case neurosurgery
    case cardiacSurgery = "cardiac-surgery"
    case vascularSurgery = "vascular-surgery"
    case generalSurgery = "general-surgery"
    case traumaSurgery = "trauma-surgery"
    case internalMedicine = "internal-medicine"
    case neurology
    case gastroenterologyEndoscopy = "gastroenterology-endoscopy"
    case pediatrics
    case pediatricICU = "pediatric-icu"
    case obstetrics
    case gynecology
    case urology
    case ophthalmology
    case ent
    case psychiatry
    case specialIsolationUnit = "special-isolation-unit"

    /// Dense index 0..<28 (declaration order), used for bit sets and arrays.
    @inlinable
    public var index: Int {
        switch self {
        case .emergencyDepartment: 0
        case .traumaBay: 1
        case .traumaCenter: 2
        case .ct: 3
        case .mri: 4
        case .strokeUnit: 5
        case .thrombectomy: 6
        case .cathLab: 7
        case .chestPainUnit: 8
        case .icu: 9
        case .ecmo: 10
        case .neurosurgery: 11
        case .cardiacSurgery: 12
        case .vascularSurgery: 13
        case .generalSurgery: 14
        case .traumaSurgery: 15
        case .internalMedicine: 16
        case .neurology: 17
        case .gastroenterologyEndoscopy: 18
        case .pediatrics: 19
        case .pediatricICU: 20
        case .obstetrics: 21
        case .gynecology: 22
        case .urology: 23
        case .ophthalmology: 24
        case .ent: 25
        case .psychiatry: 26
        case .specialIsolationUnit: 27
        }
    }

    /// All keys in declaration order, allocated once (`allCases` builds a new array on every call).
    public static let all: [ResourceKey] = allCases

    public static func < (lhs: ResourceKey, rhs: ResourceKey) -> Bool { lhs.index < rhs.index }

    /// The label people read (IVENA Fachbereich names where one exists).
    public var germanLabel: String {
        switch self {
        case .emergencyDepartment: "Zentrale Notaufnahme"
        case .traumaBay: "Schockraum"
        case .traumaCenter: "Traumazentrum"
        case .ct: "CT"
        case .mri: "MRT"
        case .strokeUnit: "Stroke Unit"
        case .thrombectomy: "Thrombektomie"
        case .cathLab: "Herzkatheterlabor"
        case .chestPainUnit: "Chest Pain Unit"
        case .icu: "Intensivstation"
        case .ecmo: "ECMO-Zentrum"
        case .neurosurgery: "Neurochirurgie"
        case .cardiacSurgery: "Herzchirurgie"
        case .vascularSurgery: "Gefäßchirurgie"
        case .generalSurgery: "Allgemein- und Viszeralchirurgie"
        case .traumaSurgery: "Unfallchirurgie"
        case .internalMedicine: "Innere Medizin"
        case .neurology: "Neurologie"
        case .gastroenterologyEndoscopy: "Gastroenterologie/Notfallendoskopie"
        case .pediatrics: "Kinderheilkunde"
        case .pediatricICU: "Kinderintensivstation"
        case .obstetrics: "Geburtshilfe"
        case .gynecology: "Gynäkologie"
        case .urology: "Urologie"
        case .ophthalmology: "Augenheilkunde"
        case .ent: "HNO"
        case .psychiatry: "Psychiatrie"
        case .specialIsolationUnit: "Sonderisolierstation"
        }
    }

    /// The adult key a paediatric key replaces for patients under 18 (`RESOURCES.md`, "Paediatric substitutes").
    public var adultCounterpart: ResourceKey? {
        switch self {
        case .pediatrics: .internalMedicine
        case .pediatricICU: .icu
        default: nil
        }
    }
}

/// A set of resource keys as a 32-bit mask (28 keys fit), so capability checks are one AND.
public struct ResourceSet: Hashable, Sendable, Sequence {
    public var bits: UInt32

    public init() { bits = 0 }
    public init(bits: UInt32) { self.bits = bits }
    public init<S: Sequence>(_ keys: S) where S.Element == ResourceKey {
        bits = 0
        for k in keys { insert(k) }
    }

    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }
    public func contains(_ k: ResourceKey) -> Bool { bits & (1 << UInt32(k.index)) != 0 }
    public func isSuperset(of other: ResourceSet) -> Bool { bits & other.bits == other.bits }
    public mutating func insert(_ k: ResourceKey) { bits |= 1 << UInt32(k.index) }
    public mutating func remove(_ k: ResourceKey) { bits &= ~(1 << UInt32(k.index)) }
    public func union(_ o: ResourceSet) -> ResourceSet { ResourceSet(bits: bits | o.bits) }
    public func subtracting(_ o: ResourceSet) -> ResourceSet { ResourceSet(bits: bits & ~o.bits) }

    /// Keys in vocabulary order.
    public var keys: [ResourceKey] {
        var out: [ResourceKey] = []
        out.reserveCapacity(count)
        var b = bits
        while b != 0 {
            out.append(ResourceKey.all[b.trailingZeroBitCount])
            b &= b - 1
        }
        return out
    }
    public func makeIterator() -> IndexingIterator<[ResourceKey]> { keys.makeIterator() }
}

extension ResourceSet: Codable {
    public init(from decoder: any Decoder) throws { self.init(try [ResourceKey](from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try keys.encode(to: encoder) }
}
