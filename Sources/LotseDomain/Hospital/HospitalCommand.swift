/// What someone asks of a hospital site (imperative). `decide` turns it into events or refuses it.
public enum HospitalCommand: Sendable, Equatable {
    /// Register a new site with its static data and profile.
    case register(HospitalRegistration)
    /// Replace the static profile and/or Notfallstufe (an import found new data).
    case changeProfile(profile: ResourceSet, notfallstufe: Int, kinderNotfallstufe: Int)
    /// Report `available` or `limited` for a resource of the profile.
    case reportStatus(ResourceKey, ReportedStatus)
    /// Close (Abmeldung) a resource with a reason until a future time.
    case close(ResourceKey, reason: String, until: Timestamp)
    /// End a closure early.
    case reopen(ResourceKey)
    /// Timer: record that a closure has reached its `until` (no-op when it has not, or is gone).
    case expireClosure(ResourceKey)
    /// Report free and operable beds per category.
    case reportBeds([BedCategory: BedCount])
    /// "Alles unverändert": re-report every resource with its last reported status (available or limited) in one
    /// command — closed resources keep their closure; never-reported ones, and reports older than `maxAgeMinutes`
    /// (already shown as unknown: nobody sees their value to confirm), stay unknown and must be reported one by one.
    case confirmAll(maxAgeMinutes: Double)

    /// The stable name recorded in the metadata of the events it causes.
    public var name: String {
        switch self {
        case .register: "RegisterHospital"
        case .changeProfile: "ChangeHospitalProfile"
        case .reportStatus: "ReportResourceStatus"
        case .close: "CloseResource"
        case .reopen: "ReopenResource"
        case .expireClosure: "ExpireClosure"
        case .reportBeds: "ReportBedCounts"
        case .confirmAll: "ConfirmAllStatuses"
        }
    }
}

/// The static data of a site to register.
public struct HospitalRegistration: Sendable, Equatable {
    public let id: HospitalID
    public let name: String
    public let position: GeoPoint
    public let district: DistrictID
    public let notfallstufe: Int
    public let kinderNotfallstufe: Int
    public let profile: ResourceSet

    public init(id: HospitalID, name: String, position: GeoPoint, district: DistrictID,
                notfallstufe: Int, kinderNotfallstufe: Int, profile: ResourceSet) {
        self.id = id
        self.name = name
        self.position = position
        self.district = district
        self.notfallstufe = notfallstufe
        self.kinderNotfallstufe = kinderNotfallstufe
        self.profile = profile
    }
}
