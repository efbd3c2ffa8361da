import Foundation
import LotseCapacity
import LotseDemand

/// The report of a run and its policy-lab variants, as Markdown and as one self-contained HTML page with SVG
/// charts. Both come from the same blocks, so they say the same.
public struct Report: Sendable {
    enum Block {
        case heading(Int, String)
        case paragraph(String)
        case table([String], [[String]])
        case chart(String)
    }

    let blocks: [Block]
    public let title: String

    /// `runs[0]` is the scenario as written; the others are its variants on the same demand.
    public init(scenario: Scenario, runs: [SimulationResult], calibration: [CalibrationRow]) {
        title = "Lotse-Simulation „\(scenario.name)“"
        var b: [Block] = []
        let main = runs[0]
        let o = main.outcomes
        let names = runs.map(Self.label)

        b.append(.paragraph(scenario.description))
        b.append(.table(["", ""], [
            ["Seed", "\(scenario.seed)"],
            ["Zeitraum", "\(scenario.startDate), \(main.days) Tage"],
            ["Einsätze", Self.int(o.missions) + " (davon transportiert: " + Self.int(o.transported) + ")"],
            ["Ereignisse im Log", Self.int(Int(o.logEvents))],
            ["Befehle an Lotse", Self.int(main.performance.commands)],
            ["Laufzeit (Wanduhr)", de("%.1f s für %d simulierte Tage (%.0f Ereignisse/s)", main.performance.wallSeconds, main.days,
                                          Double(o.logEvents) / max(0.001, main.performance.wallSeconds))],
        ]))

        // Policy lab
        b.append(.heading(2, "Politik-Labor: dieselbe Nachfrage, andere Entscheidungen"))
        b.append(.paragraph("Jede Spalte ist ein Lauf mit demselben Seed und damit denselben Einsätzen, Patienten und Klinikereignissen; geändert ist nur, was die Spalte nennt."))
        var lab: [[String]] = []
        func row(_ label: String, _ f: (SimulationResult) -> String) { lab.append([label] + runs.map(f)) }
        row("Ranking") { $0.policy.germanLabel }
        row("Telenotärzte im Dienst") { "\($0.physicians)" }
        for tracer in Self.tracers(runs) {
            row("\(tracer): geeignete Klinik ≤ 60 min") { r in
                let t = r.outcomes.tracers[tracer] ?? TracerOutcome()
                return Self.share(t.suitableWithin60, t.patients)
            }
        }
        row("Alle Tracer: geeignete Klinik ≤ 60 min") { r in
            let all = r.outcomes.tracers.values
            return Self.share(all.reduce(0) { $0 + $1.suitableWithin60 }, all.reduce(0) { $0 + $1.patients })
        }
        row("Ankunft bei abgemeldeter Ressource") { Self.share($0.outcomes.arrivedWhereClosed, $0.outcomes.transported) }
        row("Ankunft bei voller Bettenkategorie") { Self.share($0.outcomes.arrivedOverCapacity, $0.outcomes.transported) }
        row("Zuweisung trotz Abmeldung (Override)") { Self.share($0.outcomes.overrides, $0.outcomes.transported) }
        row("Fahrzeit zur Klinik Median / p90") { "\($0.outcomes.driveMinutes.percentile(50)) / \($0.outcomes.driveMinutes.percentile(90)) min" }
        row("Anruf → Klinik Median / p90") { "\($0.outcomes.callToArrivalMinutes.percentile(50)) / \($0.outcomes.callToArrivalMinutes.percentile(90)) min" }
        row("TNA-Wartezeit Median / p90") { "\($0.outcomes.tna.waitSeconds.percentile(50)) / \($0.outcomes.tna.waitSeconds.percentile(90)) s" }
        row("TNA angenommen < 5 min") { Self.percent($0.outcomes.tna.waitSeconds.share(below: 300)) }
        row("TNA-Anfragen abgebrochen (Patient schon übergeben)") { Self.share($0.outcomes.tna.cancelled, $0.outcomes.tna.requests) }
        row("Alarm Leitstelle (TNA > 5 min)") { "\($0.outcomes.tna.leitstelleAlerts)" }
        b.append(.table(["Kennzahl"] + names, lab))
        b.append(.chart(SVGChart.bars(
            title: "Fahrzeit zur Klinik (Minuten) je Politik", labels: (0..<60).map { "\($0)" },
            series: runs.map { SVGChart.Series(name: Self.label($0), values: Self.normalised($0.outcomes.driveMinutes, upTo: 60)) }, yUnit: "Anteil")))

        // Patients
        b.append(.heading(2, "Patienten (Tracer-Diagnosen)"))
        b.append(.paragraph("„Geeignet“ heißt: bei Ankunft war keine benötigte Ressource abgemeldet und in der benötigten Bettenkategorie ein Bett frei. Zielzeit Anruf → geeignete Klinik ≤ 60 min (Eckpunktepapier 2016)."))
        b.append(.table(["Tracer", "Patienten", "geeignet", "≤ 60 min", "geeignet ≤ 60 min", "Anruf → Klinik Median / p90"],
                        Self.tracers(runs).map { name in
                            let t = o.tracers[name] ?? TracerOutcome()
                            return [name, Self.int(t.patients), Self.share(t.suitable, t.patients), Self.share(t.within60, t.patients),
                                    Self.share(t.suitableWithin60, t.patients), "\(t.callToArrival.percentile(50)) / \(t.callToArrival.percentile(90)) min"]
                        }))
        b.append(.chart(SVGChart.bars(
            title: "Anruf bis Ankunft in der Klinik (Minuten)", labels: (0..<120).map { "\($0)" },
            series: [SVGChart.Series(name: names[0], values: Self.normalised(o.callToArrivalMinutes, upTo: 120))], yUnit: "Anteil")))

        // Hospitals
        b.append(.heading(2, "Kliniken: Auslastung und Abmeldungen"))
        let days = o.daily.map { "\($0.day)" }
        let every = max(1, days.count / 12)
        b.append(.chart(SVGChart.lines(
            title: "Belegung landesweit (Tagesende)", series: [
                .init(name: "Normalstation", values: o.daily.map { $0.normalOccupancy * 100 }),
                .init(name: "Intensiv", values: o.daily.map { $0.icuOccupancy * 100 }),
            ], xLabels: days, labelEvery: every, yUnit: "%", yMax: 110)))
        b.append(.chart(SVGChart.lines(
            title: "Abgemeldete Ressourcen je Politik (Tageshöchstwert) und unbekannte (Tagesende)", series: runs.map { r in
                .init(name: Self.label(r), values: r.outcomes.daily.map { Double($0.peakClosedResources) })
            } + [.init(name: "unbekannt (\(names[0]))", values: o.daily.map { Double($0.unknownResources) })],
            xLabels: days, labelEvery: every, yUnit: "Ressourcen")))
        b.append(.table(["Kennzahl"] + names, [
            ["Abmeldungen"] + runs.map { Self.int($0.outcomes.closures) },
            ["davon zuerst ohne Grund gesendet (abgewiesen)"] + runs.map { Self.int($0.outcomes.closuresRefusedWithoutReason) },
            ["davon nach Ressource"] + runs.map { $0.outcomes.closuresByResource.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") },
            ["Wiederanmeldungen"] + runs.map { Self.int($0.outcomes.reopenings) },
            ["Abmeldungen abgelaufen (bis-Zeit erreicht)"] + runs.map { Self.int($0.outcomes.closureExpiries) },
            ["Geräte-/Teamausfälle"] + runs.map { Self.int($0.outcomes.outages) },
            ["Bettenmeldungen / Statusmeldungen"] + runs.map { "\(Self.int($0.outcomes.bedReports)) / \(Self.int($0.outcomes.statusReports))" },
            ["Meldungen ausgeblieben"] + runs.map { Self.int($0.outcomes.reportsMissed) },
            ["Voranmeldungen nie quittiert / eskaliert (rot)"] + runs.map { "\(Self.int($0.outcomes.unacknowledged)) / \(Self.int($0.outcomes.announcementsEscalated))" },
            ["Stationär aufgenommen"] + runs.map { Self.share($0.outcomes.admitted, $0.outcomes.transported) },
        ]))

        // Telenotarzt
        b.append(.heading(2, "Telenotarzt"))
        let waitBuckets: [(String, Int)] = [("<10 s", 10), ("10–30 s", 30), ("30–60 s", 60), ("1–2 min", 120), ("2–5 min", 300),
                                            ("5–10 min", 600), ("10–20 min", 1200), ("20–30 min", 1800), ("≥30 min", Int.max)]
        b.append(.chart(SVGChart.bars(
            title: "Wartezeit Anfrage → Annahme", labels: waitBuckets.map(\.0),
            series: runs.map { r in
                var counts = [Double](repeating: 0, count: waitBuckets.count)
                for (s, c) in r.outcomes.tna.waitSeconds.bins.enumerated() where c > 0 {
                    counts[waitBuckets.firstIndex { s < $0.1 }!] += Double(c)
                }
                let total = max(1, counts.reduce(0, +))
                return SVGChart.Series(name: Self.label(r), values: counts.map { $0 / total })
            }, yUnit: "Anteil")))
        b.append(.table(["Kennzahl"] + names, [
            ["Ausgestattete RTW"] + runs.map { "\($0.outcomes.tna.equippedAmbulances)" },
            ["Anfragen (pro Tag)"] + runs.map { de("%d (%.1f)", $0.outcomes.tna.requests, Double($0.outcomes.tna.requests) / Double($0.days)) },
            ["Verbunden"] + runs.map { Self.int($0.outcomes.tna.connected) },
            ["Wartezeit p50 / p90 / p99"] + runs.map { "\($0.outcomes.tna.waitSeconds.percentile(50)) / \($0.outcomes.tna.waitSeconds.percentile(90)) / \($0.outcomes.tna.waitSeconds.percentile(99)) s" },
            ["Dauer Mittel / p90"] + runs.map { de("%.1f / %d min", $0.outcomes.tna.durationMinutes.mean, $0.outcomes.tna.durationMinutes.percentile(90)) },
            ["Angebote verpasst"] + runs.map { Self.int($0.outcomes.tna.offersMissed) },
            ["Backup-Alarm (60 s) / Leitstellen-Alarm (5 min)"] + runs.map { "\($0.outcomes.tna.backupAlerts) / \($0.outcomes.tna.leitstelleAlerts)" },
            ["An Notarzt übergeben (je geführter Konsultation)"] + runs.map { Self.share($0.outcomes.tna.escalatedToNotarzt, $0.outcomes.tna.connected) },
        ]))

        // Demand
        b.append(.heading(2, "Nachfrage"))
        b.append(.chart(SVGChart.bars(title: "Einsätze nach Stunde (Ortszeit)", labels: (0..<24).map { "\($0)" },
                                      series: [.init(name: "Einsätze", values: o.byHour.map(Double.init))], yUnit: "Einsätze")))
        b.append(.chart(SVGChart.bars(title: "Einsätze nach Wochentag", labels: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
                                      series: [.init(name: "Einsätze", values: o.byWeekday.map(Double.init))], yUnit: "Einsätze")))
        b.append(.paragraph("Rettungswachen sind abgeleitet (keine öffentliche Liste): je Bereich nach ½ Bevölkerungs- und ½ Flächenanteil, Standorte per k-Means über die Gemeinden (gewichtet mit √Einwohner), RTW nach Einwohnern im Einzugsgebiet."))
        b.append(.table(["Rettungsdienstbereich", "Einsätze", "Wachen", "RTW", "davon mit Telenotarzt"], o.byDistrict.sorted { $0.key < $1.key }.map { d, n in
            let st = main.stations.filter { $0.district == d }
            return [d, Self.int(n), "\(st.count)", "\(st.reduce(0) { $0 + $1.ambulances })", "\(st.filter(\.tnaEquipped).reduce(0) { $0 + $1.ambulances })"]
        }))

        // Performance
        b.append(.heading(2, "Leistung von Lotse in diesem Lauf"))
        b.append(.paragraph("Latenz je Aufrufart im Prozess (Dienst + Event-Store im Speicher + Projektion), gemessen mit HdrHistogram auf der Wanduhr. Diese Zahlen schwanken von Lauf zu Lauf; die Ergebnisse oben nicht."))
        b.append(.table(["Aufruf", "Anzahl", "p50 µs", "p90 µs", "p99 µs", "p99,9 µs", "max µs"],
                        main.performance.latency.sorted { $0.key < $1.key }.map { k, l in
                            [k, Self.int(l.count), Self.num(l.p50), Self.num(l.p90), Self.num(l.p99), Self.num(l.p999), Self.num(l.max)]
                        }))
        let wall = main.performance.wallAtDayEnd
        let perSecond = o.daily.indices.map { i -> Double in
            let dt = wall.indices.contains(i) ? wall[i] - (i > 0 ? wall[i - 1] : 0) : 0
            return dt > 0 ? Double(o.daily[i].events) / dt : 0
        }
        b.append(.chart(SVGChart.lines(title: "Durchsatz: Ereignisse je simuliertem Tag", series: [.init(name: "Ereignisse/Tag", values: o.daily.map { Double($0.events) })],
                                       xLabels: days, labelEvery: every, yUnit: "Ereignisse")))
        b.append(.chart(SVGChart.lines(title: "Durchsatz auf der Wanduhr (Ereignisse pro Sekunde)", series: [.init(name: "Ereignisse/s", values: perSecond)],
                                       xLabels: days, labelEvery: every, yUnit: "1/s")))

        // Calibration
        b.append(.heading(2, "Kalibrierung gegen veröffentlichte Zahlen"))
        b.append(.table(["Größe", "veröffentlicht", "Quelle", "simuliert", "Abweichung"], calibration.map { [$0.what, $0.published, $0.source, $0.simulated, $0.deviation] }))
        b.append(.paragraph("Alle Eingangsgrößen mit Quelle oder als Annahme markiert: Docs/SIMULATION.md. Reisezeiten: das kalibrierte Fahrzeitmodell des Rankings (auf Straßennetz-Fahrzeiten angepasst, Docs/RANKING.md); Anfahrt mit Sondersignal."))
        blocks = b
    }

    static func label(_ r: SimulationResult) -> String {
        "\(r.policy == .lotse ? "Lotse" : "nächste Klinik") · \(r.physicians) TNA"
    }

    static func tracers(_ runs: [SimulationResult]) -> [String] { Set(runs.flatMap { $0.outcomes.tracers.keys }).sorted() }
    static func int(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0, i % 3 == 0, c != "-" { out.append(" ") }
            out.append(c)
        }
        return String(out.reversed())
    }
    static func num(_ v: Double) -> String { int(Int(v.rounded())) }
    static func percent(_ x: Double) -> String { de("%.1f %%", x * 100) }
    static func share(_ a: Int, _ b: Int) -> String { b == 0 ? "–" : de("%.1f %%", Double(a) / Double(b) * 100) }
    static func normalised(_ bins: Bins, upTo n: Int) -> [Double] {
        let t = Double(max(1, bins.total))
        return bins.bins.prefix(n).map { Double($0) / t }
    }

    // MARK: - Rendering

    public var markdown: String {
        var s = "# \(title)\n\n"
        var charts = 0
        for b in blocks {
            switch b {
            case let .heading(l, t): s += String(repeating: "#", count: l) + " \(t)\n\n"
            case let .paragraph(p): s += p + "\n\n"
            case let .table(h, rows):
                s += "| " + h.joined(separator: " | ") + " |\n|" + h.map { _ in "---" }.joined(separator: "|") + "|\n"
                for r in rows { s += "| " + r.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
                s += "\n"
            case .chart: charts += 1
            }
        }
        return s + "_\(charts) Diagramme: siehe `report.html`._\n"
    }

    public var html: String {
        var s = """
        <!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVGChart.esc(title))</title><style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:#fff;max-width:1100px;margin:2rem auto;padding:0 1rem;line-height:1.45}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #1f5fa8;padding-bottom:.2rem}
        table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #c5cad1;padding:.3rem .55rem;text-align:left;vertical-align:top}
        th{background:#eef2f7}figure{margin:1rem 0}svg{width:100%;height:auto;max-width:760px;background:#fafbfc;border:1px solid #e1e4e8}
        </style></head><body><main><h1>\(SVGChart.esc(title))</h1>
        """
        for b in blocks {
            switch b {
            case let .heading(l, t): s += "<h\(l)>\(SVGChart.esc(t))</h\(l)>"
            case let .paragraph(p): s += "<p>\(SVGChart.esc(p))</p>"
            case let .table(h, rows):
                s += "<table><thead><tr>" + h.map { "<th scope=\"col\">\(SVGChart.esc($0))</th>" }.joined() + "</tr></thead><tbody>"
                for r in rows { s += "<tr>" + r.enumerated().map { $0.offset == 0 ? "<th scope=\"row\">\(SVGChart.esc($0.element))</th>" : "<td>\(SVGChart.esc($0.element))</td>" }.joined() + "</tr>" }
                s += "</tbody></table>"
            case let .chart(svg): s += "<figure>\(svg)</figure>"
            }
        }
        return s + "</main></body></html>\n"
    }
}
