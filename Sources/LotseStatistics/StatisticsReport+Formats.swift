import Foundation
import LotseDomain

extension StatisticsReport {
    public enum Format: String, CaseIterable, Sendable {
        case md, csv, json
    }

    public func rendered(as format: Format) throws -> String {
        switch format {
        case .md: markdown
        case .csv: csv
        case .json: String(decoding: try Self.encoder.encode(self), as: UTF8.self)
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x).replacingOccurrences(of: ".", with: ",")
    }

    static func quantiles(_ q: Quantiles?, _ unit: String) -> String {
        q.map { "Median \(number($0.median)) \(unit), 90 % ≤ \(number($0.p90)) \(unit)" } ?? "–"
    }

    /// The report in German, as a Markdown document (tables per topic).
    public var markdown: String {
        var lines = [
            "# Statistik \(GermanTime.dateTime(from)) – \(GermanTime.dateTime(to))", "",
            "Umfang: \(scopeGerman). Ein Status gilt nach \(Self.number(statusTTLHours)) h ohne Meldung als unbekannt.", "",
            "## Summen", "",
            "| Abmeldungen | Stunden abgemeldet | Voranmeldungen | eskaliert | Zuweisungen trotz Abmeldung | Übergaben |",
            "|---|---|---|---|---|---|",
            "| \(totals.closures) | \(Self.number(totals.closedHours)) | \(totals.announced) | \(totals.escalated) | \(totals.overrides) | \(totals.handovers) |",
            "", "## Abmeldungen je Klinik und Ressource", "",
            "| Klinik | Ressource | Anzahl | Stunden | abgelaufen | vorzeitig aufgehoben | ersetzt | noch abgemeldet | Gründe |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for h in hospitals {
            for c in h.closures {
                let reasons = c.reasons.map { "\($0.text) (\($0.count))" }.joined(separator: "; ")
                lines.append("| \(Self.cell(h.name)) | \(c.label) | \(c.count) | \(Self.number(c.hours)) | \(c.expired) | \(c.reopened) | \(c.replaced) | \(c.stillClosed) | \(Self.cell(reasons)) |")
            }
        }
        lines += ["", "## Datenalter: Anteil der Stunden mit Status „unbekannt“", "", "| Klinik | Ressource | Anteil |", "|---|---|---|"]
        for h in hospitals {
            for u in h.unknownShare where u.share > 0 {
                lines.append("| \(Self.cell(h.name)) | \(u.label) | \(Self.number((u.share * 1000).rounded() / 10)) % |")
            }
        }
        lines += ["", "## Voranmeldungen", "",
                  "| Klinik | angemeldet | bestätigt | Zeit bis Bestätigung | unbestätigt | vor Bestätigung storniert | eskaliert | trotz Abmeldung | Gründe |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for h in hospitals where h.announcements.announced > 0 {
            let a = h.announcements
            let reasons = a.overrideReasons.map { "\($0.text) (\($0.count))" }.joined(separator: "; ")
            lines.append("| \(Self.cell(h.name)) | \(a.announced) | \(a.acknowledged) | \(Self.quantiles(a.acknowledgementMinutes, "min")) | \(a.unacknowledged) | \(a.cancelledBeforeAcknowledgement) | \(a.escalated) | \(a.overrides) | \(Self.cell(reasons)) |")
        }
        lines += ["", "## Übergabezeit (Ankunft → Übergabe)", "", "| Klinik | Übergaben | Dauer |", "|---|---|---|"]
        for h in hospitals where h.offload.handovers > 0 {
            lines.append("| \(Self.cell(h.name)) | \(h.offload.handovers) | \(Self.quantiles(h.offload.minutes, "min")) |")
        }
        if let t = telenotarzt {
            lines += ["", "## Telenotarzt", "",
                      "| angefordert | beendet | abgebrochen | an Notarzt eskaliert | offen | verpasste Angebote | Hintergrund alarmiert | Leitstelle alarmiert | Anforderung → Angebot | Anforderung → verbunden |",
                      "|---|---|---|---|---|---|---|---|---|---|",
                      "| \(t.requested) | \(t.ended) | \(t.cancelled) | \(t.escalated) | \(t.stillOpen) | \(t.offersMissed) | \(t.backupAlerts) | \(t.leitstelleAlerts) | \(Self.quantiles(t.requestToOfferSeconds, "s")) | \(Self.quantiles(t.requestToConnectedSeconds, "s")) |"]
        }
        if let perHour = dispatchQueriesPerHour {
            lines += ["", "## Dispatch-Anfragen je Stunde des Tages", "", "| " + (0..<24).map { "\($0) Uhr" }.joined(separator: " | ") + " | Summe |",
                      "|" + String(repeating: "---|", count: 25), "| " + perHour.map(String.init).joined(separator: " | ") + " | \(perHour.reduce(0, +)) |"]
        }
        lines += [""] + notes.map { "*\($0)*" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The scope in German words.
    var scopeGerman: String {
        if scope == "all" { return "alle Kliniken" }
        if scope.hasPrefix("districts: ") { return "Kliniken der Kreise " + scope.dropFirst("districts: ".count) }
        if scope.hasPrefix("hospital: ") { return "Klinik " + scope.dropFirst("hospital: ".count) }
        return scope
    }

    private static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    /// One row per hospital and figure: `section,hospitalId,hospital,resource,figure,value` (RFC 4180 quoting).
    public var csv: String {
        var rows = [["section", "hospitalId", "hospital", "resource", "figure", "value"]]
        for h in hospitals {
            let base = [h.hospitalId.rawValue, h.name]
            for c in h.closures {
                for (figure, value) in [("count", Double(c.count)), ("hours", c.hours), ("expired", Double(c.expired)), ("reopened", Double(c.reopened)),
                                        ("replaced", Double(c.replaced)), ("stillClosed", Double(c.stillClosed))] {
                    rows.append(["closures"] + base + [c.resource.rawValue, figure, Self.plain(value)])
                }
                for r in c.reasons { rows.append(["closureReasons"] + base + [c.resource.rawValue, r.text, String(r.count)]) }
            }
            for u in h.unknownShare { rows.append(["unknownShare"] + base + [u.resource.rawValue, "share", Self.plain(u.share)]) }
            let a = h.announcements
            var figures: [(String, Double)] = [("announced", Double(a.announced)), ("acknowledged", Double(a.acknowledged)),
                                               ("unacknowledged", Double(a.unacknowledged)), ("cancelledBeforeAcknowledgement", Double(a.cancelledBeforeAcknowledgement)),
                                               ("escalated", Double(a.escalated)), ("overrides", Double(a.overrides))]
            if let q = a.acknowledgementMinutes { figures += [("acknowledgementMinutesMedian", q.median), ("acknowledgementMinutesP90", q.p90)] }
            for (figure, value) in figures { rows.append(["announcements"] + base + ["", figure, Self.plain(value)]) }
            for r in a.overrideReasons { rows.append(["overrideReasons"] + base + ["", r.text, String(r.count)]) }
            var offload: [(String, Double)] = [("handovers", Double(h.offload.handovers))]
            if let q = h.offload.minutes { offload += [("minutesMedian", q.median), ("minutesP90", q.p90)] }
            for (figure, value) in offload { rows.append(["offload"] + base + ["", figure, Self.plain(value)]) }
        }
        if let t = telenotarzt {
            for (figure, value) in [("requested", t.requested), ("ended", t.ended), ("cancelled", t.cancelled), ("escalated", t.escalated),
                                    ("stillOpen", t.stillOpen), ("offersMissed", t.offersMissed), ("backupAlerts", t.backupAlerts),
                                    ("leitstelleAlerts", t.leitstelleAlerts)] {
                rows.append(["telenotarzt", "", "", "", figure, String(value)])
            }
        }
        for (hour, n) in (dispatchQueriesPerHour ?? []).enumerated() { rows.append(["dispatchQueries", "", "", "", "hour\(hour)", String(n)]) }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func plain(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    /// A field as RFC 4180 writes it; free text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab,
    /// carriage return first) gets a `'` in front, so opening the file runs nothing.
    static func csvField(_ raw: String) -> String {
        let s = raw.first.map { "=+-@\t\r".contains($0) } == true && Double(raw) == nil ? "'" + raw : raw
        return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
