import Foundation
import LotseDispatch
import LotseDomain

/// Renders a dispatch answer as the German table a dispatcher reads in a terminal.
enum GermanAnswerFormatter {
    static func render(_ a: DispatchAnswer) -> String {
        let q = a.query
        let urgency = Urgency(rawValue: q.urgency)?.germanLabel ?? String(q.urgency)
        var out: [String] = []
        out.append("Zuweisung für PZC \(q.pzc) – \(q.indication) · Dringlichkeit \(urgency) · Alter \(q.age)"
            + (q.pediatric ? " (Kinder-Alternative)" : ""))
        out.append("Einsatzort \(num(q.lat, 4)), \(num(q.lon, 4))" + (q.district.map { " · nur \($0)" } ?? "")
            + " · Stand \(GermanTime.dateTime(a.evaluatedAt)) · Log-Position \(a.logPosition) · Regeln v\(a.rulesVersion)")
        out.append("Erforderlich: \(labels(q.required))" + (q.minNotfallstufe > 0 ? " · mind. Notfallstufe \(q.minNotfallstufe)" : "")
            + (q.preferred.isEmpty ? "" : " · Bevorzugt: \(labels(q.preferred))"))
        out.append("")
        if a.candidates.isEmpty {
            out.append("KEINE geeignete Klinik aufnahmebereit – siehe Ausschlüsse unten; telefonisch klären.")
        } else {
            out.append(row(["#", "Klinik", "Fahrzeit", "Score", "Status", "Freie Betten", "Datenalter"]))
            for c in a.candidates {
                let status = c.resources.map { "\($0.label) \(mark($0.status))" }.joined(separator: ", ")
                let beds = bedsText(c.freeBeds)
                out.append(row([
                    String(c.rank), "\(short(c.name, 36)) (\(c.hospitalId))", "\(num(c.driveMinutes, 0)) min", num(c.score, 1), status, beds,
                    c.dataAgeMinutes.map { "\(num($0, 0)) min" } ?? "–",
                ]))
            }
            if a.suitableTotal > a.candidates.count {
                out.append("… und \(a.suitableTotal - a.candidates.count) weitere geeignete Kliniken (--limit erhöhen).")
            }
        }
        if !a.excluded.isEmpty {
            out.append("")
            out.append("Fähig, aber derzeit nicht aufnahmebereit:")
            for e in a.excluded {
                out.append("  – \(e.name) (\(e.hospitalId)), \(num(e.driveMinutes, 0)) min: \(e.reasons.joined(separator: "; "))")
            }
            if a.excludedTotal > a.excluded.count { out.append("  … und \(a.excludedTotal - a.excluded.count) weitere.") }
        }
        let p = a.parameters
        out.append("")
        // The speeds and the detour factor belong to the great-circle rule; the calibrated model has its own (its file).
        let travel = a.travelTimeModel == "great-circle"
            ? "Fahrzeitmodell great-circle (Umwegfaktor \(num(p.detourFactor, 2)), \(num(p.speedKmhUrgency1, 0)) km/h D1, \(num(p.speedKmhUrgency2, 0)) km/h D2, "
                + "\(num(p.speedKmhUrgency3, 0)) km/h D3)"
            : "Fahrzeitmodell \(a.travelTimeModel) (kalibriert auf Straßennetz-Fahrzeiten, Docs/RANKING.md)"
        out.append("Parameter: \(travel) · +\(num(p.limitedPenaltyMinutes, 0)) min je eingeschränkter Ressource · "
            + "Meldungen gültig \(num(p.statusTTLMinutes / 60, 0)) h")
        return out.joined(separator: "\n")
    }

    static func short(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    static func labels(_ keys: [ResourceKey]) -> String { keys.map(\.germanLabel).joined(separator: ", ") }

    static func mark(_ status: ResourceStatus.Kind) -> String {
        switch status {
        case .available: "✓"
        case .limited: "(eingeschränkt)"
        case .closed: "✗ abgemeldet"
        case .unknown: "? unbekannt"
        }
    }

    static func bedsText(_ beds: [BedCategory: Int]) -> String {
        guard !beds.isEmpty else { return "keine Meldung" }
        let icu = (beds[.icuHighCare] ?? 0) + (beds[.icuLowCare] ?? 0)
        var parts: [String] = []
        if beds[.icuHighCare] != nil || beds[.icuLowCare] != nil { parts.append("ITS \(icu)") }
        if let n = beds[.normal] { parts.append("Normal \(n)") }
        if let e = beds[.ecmo] { parts.append("ECMO \(e)") }
        return parts.joined(separator: " · ")
    }

    /// German decimal comma.
    static func num(_ v: Double, _ places: Int) -> String {
        let r = v.rounded(toPlaces: places)
        var s = places == 0 ? String(Int(r)) : String(r)
        if places > 0, let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < places { s += String(repeating: "0", count: places - decimals) }
        }
        return s.replacingOccurrences(of: ".", with: ",")
    }

    static let widths = [3, 46, 9, 6, 34, 22, 10]

    static func row(_ cells: [String]) -> String {
        zip(cells, widths).map { c, w in c.count >= w ? c + " " : c + String(repeating: " ", count: w - c.count) }.joined()
    }
}
