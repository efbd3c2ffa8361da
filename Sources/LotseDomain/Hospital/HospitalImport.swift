/// One site as an import brings it in: its registration (static data, derived profile) and the bed counts a demo
/// state reports for it. Data only; the application turns it into commands.
public struct HospitalImport: Sendable {
    public let registration: HospitalRegistration
    /// Plausible free/operable beds for the demo state (empty where the site has none to report).
    public let demoBeds: [BedCategory: BedCount]

    public init(registration: HospitalRegistration, demoBeds: [BedCategory: BedCount]) {
        self.registration = registration
        self.demoBeds = demoBeds
    }
}
