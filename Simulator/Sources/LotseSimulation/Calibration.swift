import Foundation
import LotseCapacity
import LotseDemand
import LotseDispatch
import LotseDomain
import LotseSeed

/// What the simulator produced next to the published figures (sources in `../shared/research/telenotarzt.md`).
public struct CalibrationRow: Codable, Sendable, Hashable {
    public let what: String
    public let published: String
    public let source: String
    public let simulated: String
    /// The deviation in words: "+3 %", "im Bereich", "2 Punkte unter der Spanne".
    public let deviation: String
}

public enum Calibration {
    /// Share of the population whose nearest emergency site is within 15 and 30 minutes' drive (centroids,
    /// the ranking's travel model at urgency 2): the Krankenhausatlas figure is 53.5 % and 93.9 %.
    public static func populationDriveShares(_ g: Geography, travel: any TravelTimeModel) -> (within15: Double, within30: Double) {
        var p15 = 0, p30 = 0
        let sites = g.hospitals.filter { $0.registration.profile.contains(.emergencyDepartment) }.map { UnitVector($0.registration.position) }
        for m in g.municipalities {
            let o = UnitVector(m.position)
            let best = sites.map { travel.drive(from: o, to: nil, at: $0, urgency: .yellow).minutes }.min() ?? .infinity
            if best <= 15 { p15 += m.population }
            if best <= 30 { p30 += m.population }
        }
        let total = Double(g.population)
        return (Double(p15) / total, Double(p30) / total)
    }

    /// Drive minutes to the nearest emergency site per municipality, the model's against road-network drive times
    /// (Deutschlandatlas 2024, 492 municipalities): mean absolute error and bias, and the data's mean.
    public static func driveTimeToNearestED(_ g: Geography, travel: any TravelTimeModel) throws -> (mae: Double, bias: Double, observedMean: Double, count: Int) {
        let sites = g.hospitals.filter { $0.registration.profile.contains(.emergencyDepartment) }.map { UnitVector($0.registration.position) }
        let rows = CSV.parse(try ReferenceData.text("mv_drive_minutes_to_ed.csv")).dropFirst()
        let places = Dictionary(g.municipalities.map { ($0.ags, $0.position) }) { a, _ in a }
        var errors: [Double] = [], observed: [Double] = []
        for r in rows {
            guard r.count >= 3, let p = places[r[0]], let minutes = Double(r[2]) else { continue }
            let o = travel.origin(UnitVector(p))
            let best = sites.map { travel.drive(from: o, to: nil, at: $0, urgency: .yellow).minutes }.min() ?? .infinity
            errors.append(best - minutes)
            observed.append(minutes)
        }
        let n = Double(max(1, errors.count))
        return (errors.map(abs).reduce(0, +) / n, errors.reduce(0, +) / n, observed.reduce(0, +) / n, errors.count)
    }

    public static func rows(_ r: SimulationResult, geography g: Geography, travel: any TravelTimeModel) -> [CalibrationRow] {
        let o = r.outcomes
        let days = Double(r.days)
        var rows: [CalibrationRow] = []
        func pct(_ x: Double) -> String { de("%.1f %%", x * 100) }
        func relative(_ sim: Double, _ pub: Double) -> String { de("%+.1f %%", (sim / pub - 1) * 100) }
        func inRange(_ sim: Double, _ lo: Double, _ hi: Double, unit: String = "") -> String {
            if sim < lo { return de("%.2f", lo - sim) + unit + " unter der Spanne" }
            if sim > hi { return de("%.2f", sim - hi) + unit + " über der Spanne" }
            return "im Bereich"
        }
        func points(_ sim: Double, _ pub: Double) -> String { de("%+.1f Punkte", (sim - pub) * 100) }

        let perYear = Double(o.missions) / days * 365
        rows.append(.init(what: "Einsätze pro Jahr", published: "209 334 (2022)", source: "ndr.de 2025-02",
                          simulated: de("%.0f (hochgerechnet aus %d Tagen)", perYear, r.days), deviation: relative(perYear, 209_334)))
        let peak = o.byHour.indices.max { o.byHour[$0] < o.byHour[$1] } ?? 0
        rows.append(.init(what: "Spitzenstunde", published: "≈ 10 Uhr; Anstieg ab 5 Uhr, Abfall ab 13 Uhr", source: "BASt (antworting.de/stundenintervalle)",
                          simulated: "\(peak) Uhr", deviation: peak == 10 ? "gleich" : "\(peak - 10) h"))
        let weekdayMean = Double(o.byWeekday.prefix(5).reduce(0, +)) / 5
        if weekdayMean > 0, days >= 14 {
            let sat = Double(o.byWeekday[5]) / weekdayMean, sun = Double(o.byWeekday[6]) / weekdayMean
            rows.append(.init(what: "Samstag / Sonntag je Werktag", published: "0,69 / 0,59 (inkl. Krankentransport)", source: "BASt 1998/99",
                              simulated: de("%.2f / %.2f", sat, sun), deviation: "Annahme: Notfälle flacher als KTP (0,90 / 0,85)"))
        }
        let n = Double(max(1, o.missions))
        rows.append(.init(what: "Dringlichkeit rot / gelb / grün", published: "≈ 10 / 85 / 5 %", source: "IVENA München (DOMAIN.md)",
                          simulated: o.byUrgency.map { de("%.1f", Double($0) / n * 100) }.joined(separator: " / ") + " %",
                          deviation: points(Double(o.byUrgency[0]) / n, 0.10) + " rot"))
        let t = o.tna
        if t.equippedAmbulances > 0 {
            let perRTW = Double(t.requests) / Double(t.equippedAmbulances) / days
            rows.append(.init(what: "TNA-Konsultationen je ausgestattetem RTW und Tag", published: "0,3–0,5", source: "Bogen, Aachen, VG (abgeleitet)",
                              simulated: de("%.2f (%d RTW)", perRTW, t.equippedAmbulances), deviation: inRange(perRTW, 0.3, 0.5)))
            let perDay = Double(t.requests) / days
            rows.append(.init(what: "TNA-Konsultationen pro Tag (Zentrale)", published: "3–8 (Zentrale für einen Kreis); VG ≈ 3,1–4,3", source: "land-rettung.de, ostsee-zeitung.de",
                              simulated: de("%.1f", perDay) + " (\(t.equippedAmbulances) RTW)", deviation: inRange(perDay, 3, 8)))
            let mean = t.durationMinutes.mean
            rows.append(.init(what: "Konsultationsdauer (Mittel)", published: "24,9 min (SD 12,5)", source: "Bergrath 2013",
                              simulated: de("%.1f min", mean), deviation: relative(mean, 24.9)))
            let esc = Double(t.escalatedToNotarzt) / Double(max(1, t.connected))
            rows.append(.init(what: "An physischen Notarzt übergeben (je geführter Konsultation)", published: "≈ 2 %", source: "Goslar (mz.de/ndr.de 2022)",
                              simulated: pct(esc), deviation: points(esc, 0.02)))
            let fast = t.waitSeconds.share(below: 300)
            rows.append(.init(what: "TNA nimmt an < 5 min", published: "90 % (beim Patienten)", source: "Goslar (ndr.de 2021-02)",
                              simulated: pct(fast), deviation: points(fast, 0.90)))
        }
        if let d = try? driveTimeToNearestED(g, travel: travel), d.count > 0 {
            rows.append(.init(what: "Fahrzeit zur nächsten Notaufnahme je Gemeinde (\(d.count) Gemeinden)", published: de("Mittel %.1f min (Straßennetz)", d.observedMean),
                              source: "Deutschlandatlas 2024 (p_notfall, OSM)", simulated: de("mittlerer Fehler %.1f min, Verzerrung %+.1f min", d.mae, d.bias),
                              deviation: de("%+.1f min", d.bias)))
        }
        let (p15, p30) = populationDriveShares(g, travel: travel)
        rows.append(.init(what: "Bevölkerung ≤ 15 / ≤ 30 min Fahrt zur nächsten Klinik", published: "53,5 % / 93,9 %", source: "Krankenhausatlas (welt.de 2019-04)",
                          simulated: pct(p15) + " / " + pct(p30), deviation: points(p15, 0.535) + " / " + points(p30, 0.939)))
        let d15 = o.driveMinutes.share(below: 15), d30 = o.driveMinutes.share(below: 30)
        rows.append(.init(what: "Transporte ≤ 15 / ≤ 30 min Fahrt (gewählte Klinik)", published: "— (nur Bevölkerungswert)", source: "—",
                          simulated: pct(d15) + " / " + pct(d30), deviation: "zum Vergleich"))
        let h15 = o.responseMinutes.share(below: 15)
        rows.append(.init(what: "Hilfsfrist ≤ 15 min", published: "66–86 % (Kreise 2021–2023)", source: "ostsee-zeitung.de 2023-01, ndr.de 2025-02",
                          simulated: pct(h15), deviation: inRange(h15 * 100, 66, 86, unit: " Punkte")))
        rows.append(.init(what: "Hilfsfrist (Mittel)", published: "10,7 min (2015/16)", source: "kleineanfragen MV 7/1555",
                          simulated: de("%.1f min", o.responseMinutes.mean), deviation: relative(o.responseMinutes.mean, 10.7)))
        return rows
    }
}
