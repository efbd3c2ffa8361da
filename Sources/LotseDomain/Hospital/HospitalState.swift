/// The state of one hospital site, folded from its events by `HospitalAggregate.evolve`.
public struct HospitalState: Hashable, Sendable, Codable {
    public let id: HospitalID
    public var name: String
    public var position: GeoPoint
    public var district: DistrictID
    /// G-BA Notfallstufe 0–3.
    public var notfallstufe: Int
    /// G-BA Modul Kinder 0–3.
    public var kinderNotfallstufe: Int
    /// The resources the site has (static profile).
    public var profile: ResourceSet
    /// Condition per resource key, indexed by `ResourceKey.index` (all 28, also those outside the profile).
    public var conditions: [ResourceCondition]
    public var beds: BedReport?
    /// Stream version (number of events applied).
    public var version: Int64

    public init(registered e: HospitalRegistered) {
        id = e.hospitalId
        name = e.name
        position = e.position
        district = e.district
        notfallstufe = e.notfallstufe
        kinderNotfallstufe = e.kinderNotfallstufe
        profile = e.profile
        conditions = Array(repeating: .notReported, count: ResourceKey.allCases.count)
        beds = nil
        version = 1
    }

    public func condition(_ key: ResourceKey) -> ResourceCondition { conditions[key.index] }
}
