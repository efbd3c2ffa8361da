import LotseDomain

/// The MV hospitals as data: registrations derived from the bundled BKA data (RESOURCES.md rules, districts from
/// the municipalities) and the demo bed counts. It runs nothing: `CapacityService.importHospitals` turns the imports
/// into commands.
public enum Seeder {
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

    /// The 35 MV sites with their demo bed counts.
    public static func imports() throws -> [HospitalImport] {
        try registrations().map { reg, source in
            HospitalImport(registration: reg, demoBeds: DemoBeds.counts(for: source, profile: reg.profile))
        }
    }
}
