import LotseDomain

/// All German hospital sites (InEK site register 2020, 2 809 rows) for Germany-scale benchmarks.
///
/// **Profiles are synthesised**, not real: the register has positions but no emergency level or departments.
/// Each site gets a Notfallstufe drawn by a hash of its id with the national shares (G-BA impact analysis 2018:
/// ≈ 36 % of hospitals without a level, 40 % Basis, 15 % erweitert, 9 % umfassend — rounded), and the profile of
/// an MV site of the same level chosen by the same hash; MV sites keep their real profile. District = the first
/// two postcode digits (`PLZ-18`), a stand-in for Rettungsdienstbereiche.
public enum GermanySites {
    public static func registrations() throws -> [HospitalRegistration] {
        let mv = try Seeder.registrations().map(\.0)
        let mvByID = Dictionary(uniqueKeysWithValues: mv.map { ($0.id, $0) })
        let byStufe = Dictionary(grouping: mv, by: \.notfallstufe)
        let records = CSV.parse(try ReferenceData.text("de_hospital_sites.csv"))
        guard let header = records.first else { throw ReferenceDataError.missing("de_hospital_sites.csv") }
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var seen = Set<String>()
        var out: [HospitalRegistration] = []
        for r in records.dropFirst() where r.count == header.count {
            let rawID = r[col["id"]!]
            guard seen.insert(rawID).inserted, let id = HospitalID(rawID),
                  let lat = Double(r[col["lat"]!]), let lon = Double(r[col["lon"]!]), let pos = GeoPoint(lat: lat, lon: lon)
            else { continue }
            let stoid = HospitalID(String(rawID.suffix(6)))
            if let stoid, let real = mvByID[stoid] {
                out.append(HospitalRegistration(id: id, name: real.name, position: pos, district: real.district,
                                                notfallstufe: real.notfallstufe, kinderNotfallstufe: real.kinderNotfallstufe, profile: real.profile))
                continue
            }
            let h = FNV1a.hash(rawID)
            let stufe = switch h % 100 {
            case 0..<36: 0
            case 36..<76: 1
            case 76..<91: 2
            default: 3
            }
            let pool = byStufe[stufe] ?? []
            let model = pool[Int((h / 100) % UInt64(pool.count))]
            let site = r[col["site_name"]!], hospital = r[col["hospital_name"]!]
            let full = site == "Hauptstandort" || site.isEmpty || site == hospital ? hospital : "\(hospital) – \(site)"
            let name = full.isEmpty ? "Standort \(rawID)" : String(full.prefix(200))
            out.append(HospitalRegistration(
                id: id, name: name, position: pos, district: DistrictID("PLZ-\(r[col["postcode"]!].prefix(2))"),
                notfallstufe: stufe, kinderNotfallstufe: model.kinderNotfallstufe, profile: model.profile))
        }
        return out
    }
}
