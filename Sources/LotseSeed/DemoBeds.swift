import LotseDomain

/// Plausible bed counts for the demo state. No per-hospital ICU data exists publicly for MV (the DIVI register
/// publishes none per site), so they are derived from the site's beds (Bundes-Klinik-Atlas) and Notfallstufe:
///
/// - ICU operable = max(G-BA minimum, beds × share): Stufe 1 ≥ 6 beds, 5 %; Stufe 2 ≥ 10, 7 %; Stufe 3 ≥ 20, 9 %
///   (G-BA §§ 10, 15 give the minimums for Stufe 1 and 2; the shares and the Stufe-3 minimum are assumptions
///   close to the German average of ≈ 5–6 % ICU beds); a Stufe-0 site with an ICU: max(4, 5 %).
/// - 60 % of the ICU is high care (ventilation), the rest low care (assumption).
/// - ECMO: 4 places at Stufe-3 ECMO centres, else 2 (assumption).
/// - Children: 6 % of beds on a paediatric ward where the site has `pediatrics`; a PICU/NICU of 6 (Kinder-Stufe 3: 10).
/// - Normal: the remaining beds.
/// - Free: 10–30 % of operable, fixed per site and category by a hash of the STOID (so demos are reproducible),
///   at least 1 free ICU bed where there is an ICU.
public enum DemoBeds {
    public static func counts(for s: HospitalSource, profile: ResourceSet) -> [BedCategory: BedCount] {
        guard s.beds > 0 else { return [:] }
        var operable: [BedCategory: Int] = [:]
        if profile.contains(.icu) {
            let (minimum, share): (Int, Double) = switch s.notfallstufe {
            case 3: (20, 0.09)
            case 2: (10, 0.07)
            case 1: (6, 0.05)
            default: (4, 0.05)
            }
            let icu = max(minimum, Int((Double(s.beds) * share).rounded()))
            let high = Int((Double(icu) * 0.6).rounded())
            operable[.icuHighCare] = high
            operable[.icuLowCare] = icu - high
        }
        if profile.contains(.ecmo) { operable[.ecmo] = s.notfallstufe == 3 ? 4 : 2 }
        if profile.contains(.pediatrics) { operable[.pediatric] = max(4, Int((Double(s.beds) * 0.06).rounded())) }
        if profile.contains(.pediatricICU) { operable[.pediatricICU] = s.kinderNotfallstufe >= 3 ? 10 : 6 }
        let used = operable.filter { $0.key != .ecmo }.values.reduce(0, +)
        operable[.normal] = max(0, s.beds - used)
        var out: [BedCategory: BedCount] = [:]
        for (cat, n) in operable {
            let h = FNV1a.hash("\(s.id.rawValue)/\(cat.rawValue)")
            let share = 0.10 + Double(h % 21) / 100
            var free = Int((Double(n) * share).rounded())
            if [.icuHighCare, .icuLowCare].contains(cat), n > 0 { free = max(1, free) }
            out[cat] = BedCount(free: min(free, n), operable: n)
        }
        return out
    }
}
