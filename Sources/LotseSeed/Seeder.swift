import LotseCapacity
import LotseDomain

/// Imports the MV hospitals through the same commands as any update, and optionally the demo state.
public struct Seeder: Sendable {
    public let service: CapacityService
    public let principal: Principal

    public init(service: CapacityService, principal: Principal = .importer) {
        self.service = service
        self.principal = principal
    }

    /// What a seed run did.
    public struct Report: Sendable, Equatable {
        public var registered = 0
        public var profilesChanged = 0
        public var unchanged = 0
        public var statusReports = 0
        public var bedReports = 0
        public var lastPosition: Int64 = 0
    }

    /// The registrations derived from the bundled data (35 MV sites).
    public static func registrations() throws -> [(HospitalRegistration, HospitalSource)] {
        let sources = try MVHospitalImporter.sources(csv: try ReferenceData.text("mv_hospitals.csv"))
        let districts = try DistrictMap(gemeindenCSV: try ReferenceData.text("mv_gemeinden.csv"))
        return sources.map { s in
            (HospitalRegistration(
                id: s.id, name: s.name, position: s.position, district: districts.district(city: s.city, position: s.position),
                notfallstufe: s.notfallstufe, kinderNotfallstufe: s.kinderNotfallstufe, profile: MVHospitalImporter.profile(of: s)), s)
        }
    }

    /// Registers every site (a re-run registers nothing twice and changes a profile only when the data changed);
    /// with `demo`, reports every resource of each profile `available` and the demo bed counts at `now`.
    public func seed(demo: Bool, at now: Timestamp, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Report {
        var report = Report()
        let all = try Self.registrations()
        for (i, (reg, source)) in all.enumerated() {
            if let existing = try await service.load(reg.id) {
                let o = try await service.execute(
                    .changeProfile(profile: reg.profile, notfallstufe: reg.notfallstufe, kinderNotfallstufe: reg.kinderNotfallstufe),
                    hospital: reg.id, by: principal, at: now)
                if o.events.isEmpty { report.unchanged += 1 } else { report.profilesChanged += 1 }
                report.lastPosition = max(report.lastPosition, o.position)
                _ = existing
            } else {
                let o = try await service.execute(.register(reg), hospital: reg.id, by: principal, at: now, idempotencyKey: "seed:register:\(reg.id)")
                report.registered += o.deduplicated ? 0 : 1
                report.lastPosition = max(report.lastPosition, o.position)
            }
            if demo {
                let state = try await service.load(reg.id)
                for key in reg.profile {
                    if case .closed = state?.condition(key).settled(at: now) { continue }
                    let o = try await service.execute(.reportStatus(key, .available), hospital: reg.id, by: principal, at: now)
                    report.statusReports += 1
                    report.lastPosition = max(report.lastPosition, o.position)
                }
                let beds = DemoBeds.counts(for: source, profile: reg.profile)
                if !beds.isEmpty {
                    let o = try await service.execute(.reportBeds(beds), hospital: reg.id, by: principal, at: now)
                    report.bedReports += 1
                    report.lastPosition = max(report.lastPosition, o.position)
                }
            }
            progress?(i + 1, all.count)
        }
        return report
    }
}
