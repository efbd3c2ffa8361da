import LotseDomain

extension CapacityService {
    /// What an import did.
    public struct ImportReport: Sendable, Equatable {
        public var registered = 0
        public var profilesChanged = 0
        public var unchanged = 0
        public var statusReports = 0
        public var bedReports = 0
        public var lastPosition: Int64 = 0
    }

    /// Brings hospital sites in through the same commands as any update: registers new ones (a re-run registers
    /// nothing twice) and changes a profile only when the data changed; with `demo`, reports every resource of each
    /// profile `available` (except those closed now) and the demo bed counts at `now`.
    public func importHospitals(_ sites: [HospitalImport], demo: Bool, at now: Timestamp, by principal: Principal = .importer,
                                progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> ImportReport {
        var report = ImportReport()
        for (i, site) in sites.enumerated() {
            let reg = site.registration
            if try await load(reg.id) != nil {
                let o = try await execute(
                    .changeProfile(profile: reg.profile, notfallstufe: reg.notfallstufe, kinderNotfallstufe: reg.kinderNotfallstufe),
                    hospital: reg.id, by: principal, at: now)
                if o.events.isEmpty { report.unchanged += 1 } else { report.profilesChanged += 1 }
                report.lastPosition = max(report.lastPosition, o.position)
            } else {
                let o = try await execute(.register(reg), hospital: reg.id, by: principal, at: now, idempotencyKey: "seed:register:\(reg.id)")
                report.registered += o.deduplicated ? 0 : 1
                report.lastPosition = max(report.lastPosition, o.position)
            }
            if demo {
                let state = try await load(reg.id)
                for key in reg.profile {
                    if case .closed = state?.condition(key).settled(at: now) { continue }
                    let o = try await execute(.reportStatus(key, .available), hospital: reg.id, by: principal, at: now)
                    report.statusReports += 1
                    report.lastPosition = max(report.lastPosition, o.position)
                }
                if !site.demoBeds.isEmpty {
                    let o = try await execute(.reportBeds(site.demoBeds), hospital: reg.id, by: principal, at: now)
                    report.bedReports += 1
                    report.lastPosition = max(report.lastPosition, o.position)
                }
            }
            progress?(i + 1, sites.count)
        }
        return report
    }
}
