import LotseDomain

/// One row of `mv_hospitals.csv` with capability data (Bundes-Klinik-Atlas), and what Lotse derives from it.
public struct HospitalSource: Sendable, Hashable {
    public let id: HospitalID
    public let name: String
    public let street: String
    public let city: String
    public let postcode: String
    public let position: GeoPoint
    public let beds: Int
    public let notfallstufe: Int
    public let kinderNotfallstufe: Int
    public let fields: [String: String]

    func flag(_ column: String) -> Bool { (Int(fields[column] ?? "") ?? 0) != 0 }
    func number(_ column: String) -> Int { Int(fields[column] ?? "") ?? 0 }
    func fa(_ text: String) -> Bool { (fields["fachabteilungen"] ?? "").contains(text) }
}

/// Reads the MV hospitals and derives each site's resource profile by the rules of `RESOURCES.md`.
public enum MVHospitalImporter {
    /// The sites with capability data: rows whose `source` is the Bundes-Klinik-Atlas (35 sites).
    /// The other 40 rows (InEK 2020 only: day clinics, psychiatry, rehab) carry no capability data, so every
    /// key would be false there and they could never be a dispatch destination; they are not imported.
    public static func sources(csv: String) throws -> [HospitalSource] {
        let records = CSV.parse(csv)
        guard let header = records.first else { throw ReferenceDataError.malformed(file: "mv_hospitals.csv", line: 1, reason: "leer") }
        var out: [HospitalSource] = []
        for (n, r) in records.dropFirst().enumerated() where r.count == header.count {
            var f: [String: String] = [:]
            for (i, h) in header.enumerated() { f[h] = r[i] }
            guard f["source"]?.hasPrefix("BKA") == true else { continue }
            let line = n + 2
            guard let id = HospitalID(f["stoid"] ?? ""),
                  let lat = Double(f["lat"] ?? ""), let lon = Double(f["lon"] ?? ""),
                  let pos = GeoPoint(lat: lat, lon: lon),
                  let stufe = Int(f["notfallstufe"] ?? ""), (0...3).contains(stufe)
            else { throw ReferenceDataError.malformed(file: "mv_hospitals.csv", line: line, reason: "STOID, Position oder Notfallstufe ungültig") }
            out.append(HospitalSource(
                id: id, name: f["name"] ?? "", street: f["street"] ?? "", city: f["city"] ?? "", postcode: f["postcode"] ?? "", position: pos,
                beds: Int(f["beds"] ?? "") ?? 0, notfallstufe: stufe, kinderNotfallstufe: Int(f["kinder_notfallstufe"] ?? "") ?? 0,
                fields: f))
        }
        return out
    }

    /// The resource profile of a site, rule by rule as in `RESOURCES.md` (numbers there are the key numbers).
    public static func profile(of s: HospitalSource) -> ResourceSet {
        let stufe = s.notfallstufe, kinder = s.kinderNotfallstufe
        var p = ResourceSet()
        func set(_ k: ResourceKey, _ c: Bool) { if c { p.insert(k) } }
        set(.emergencyDepartment, stufe >= 1)                                                            // 1
        set(.traumaBay, stufe >= 1)                                                                      // 2
        set(.traumaCenter, s.flag("cert_traumazentrum") || s.flag("modul_schwerverletzte")
            || (stufe >= 2 && s.flag("fa_unfallchirurgie")))                                             // 3
        set(.ct, stufe >= 1)                                                                             // 4
        set(.mri, stufe >= 2 || s.flag("fa_neurochirurgie") || kinder >= 2)                              // 5
        let strokeUnit = s.flag("cert_stroke_unit") || s.flag("modul_stroke_unit")
            || (s.flag("fa_neurologie") && s.number("stroke_unit_cases") >= 100)
        set(.strokeUnit, strokeUnit)                                                                     // 6
        set(.thrombectomy, strokeUnit && stufe == 3 && s.flag("fa_neurochirurgie"))                      // 7
        let cpu = s.flag("cert_chest_pain_unit") || s.flag("modul_chest_pain_unit")
        set(.cathLab, cpu || s.number("pci_stent_cases") >= 100)                                         // 8
        set(.chestPainUnit, cpu)                                                                         // 9
        set(.icu, stufe >= 1 || s.flag("fa_intensivmedizin"))                                            // 10
        set(.ecmo, s.flag("fa_herzchirurgie"))                                                           // 11
        set(.neurosurgery, s.flag("fa_neurochirurgie"))                                                  // 12
        set(.cardiacSurgery, s.flag("fa_herzchirurgie"))                                                 // 13
        set(.vascularSurgery, s.fa("Gefäßchirurgie") || stufe == 3)                                      // 14
        set(.generalSurgery, s.fa("Allgemeine Chirurgie"))                                               // 15
        set(.traumaSurgery, s.flag("fa_unfallchirurgie") || (s.fa("Orthopädie") && stufe >= 1))          // 16
        set(.internalMedicine, stufe >= 1 || s.fa("Innere Medizin") || s.fa("Kardiologie"))              // 17
        set(.neurology, s.flag("fa_neurologie"))                                                         // 18
        set(.gastroenterologyEndoscopy, s.fa("Gastroenterologie") || stufe >= 2)                         // 19
        set(.pediatrics, (s.flag("fa_paediatrie") && stufe >= 1) || kinder >= 1)                         // 20
        set(.pediatricICU, kinder >= 2 || s.fa("Neonatologie") || s.fa("Intensivmedizin/Schwerpunkt Pädiatrie")) // 21
        set(.obstetrics, s.fa("Geburtshilfe"))                                                           // 22
        set(.gynecology, s.fa("Frauenheilkunde"))                                                        // 23
        set(.urology, s.fa("Urologie"))                                                                  // 24
        set(.ophthalmology, s.fa("Augenheilkunde"))                                                      // 25
        set(.ent, s.fa("Hals-, Nasen-, Ohrenheilkunde"))                                                 // 26
        set(.psychiatry, s.fa("Psychiatrie") || (s.name.contains("Psychiatrie") && !s.name.contains("Tagesklinik"))) // 27
        // 28 special-isolation-unit: manual list only; no MV site is known to have one.
        return p
    }
}
