import LotseDomain

/// A summary of Telenotarzt work over a time range, computed from the folded log (`lotse tna-report`).
public struct TNAReport: Sendable, Equatable {
    public let from: Timestamp
    public let to: Timestamp
    public let requested: Int
    public let byKind: [ConsultationKind: Int]
    public let ended: Int
    public let cancelled: Int
    public let escalated: Int
    public let stillOpen: Int
    public let offersMissed: Int
    public let backupAlerts: Int
    public let leitstelleAlerts: Int
    /// Seconds from request to the first offer / to connected: median and 90th percentile (nil without data).
    public let requestToOffer: (median: Double, p90: Double)?
    public let requestToConnected: (median: Double, p90: Double)?

    public static func == (a: TNAReport, b: TNAReport) -> Bool {
        a.requested == b.requested && a.ended == b.ended && a.cancelled == b.cancelled && a.escalated == b.escalated
            && a.offersMissed == b.offersMissed && a.from == b.from && a.to == b.to
    }

    /// Consultations requested in [from, to); with `districts`, only those requested for one of them.
    public init(_ state: TNAState, from: Timestamp, to: Timestamp, districts: Set<DistrictID>? = nil) {
        self.from = from
        self.to = to
        let cs = state.consultations.values.filter { c in
            c.requestedAt >= from && c.requestedAt < to && (districts?.contains(c.request.district) ?? true)
        }
        requested = cs.count
        byKind = Dictionary(grouping: cs, by: \.request.kind).mapValues(\.count)
        ended = cs.filter { $0.status == .ended }.count
        cancelled = cs.filter { $0.status == .cancelled }.count
        escalated = cs.filter { $0.status == .escalated }.count
        stillOpen = cs.filter(\.status.isOpen).count
        offersMissed = cs.map(\.missedOffers).reduce(0, +)
        backupAlerts = cs.filter(\.backupAlerted).count
        leitstelleAlerts = cs.filter(\.leitstelleAlerted).count
        func stats(_ values: [Double]) -> (Double, Double)? {
            guard !values.isEmpty else { return nil }
            let v = values.sorted()
            return (v[v.count / 2], v[min(v.count - 1, Int(Double(v.count) * 0.9))])
        }
        requestToOffer = stats(cs.compactMap { c in c.offeredAt.map { $0.minutes(since: c.requestedAt) * 60 } })
        requestToConnected = stats(cs.compactMap { c in c.connectedAt.map { $0.minutes(since: c.requestedAt) * 60 } })
    }

    /// The report in German.
    public var text: String {
        func secs(_ s: (median: Double, p90: Double)?) -> String {
            s.map { "Median \(Int($0.median.rounded())) s, 90 % ≤ \(Int($0.p90.rounded())) s" } ?? "–"
        }
        var lines = [
            "Telenotarzt-Bericht \(GermanTime.dateTime(from)) – \(GermanTime.dateTime(to))",
            "Anforderungen: \(requested) (beendet \(ended), abgebrochen \(cancelled), an Notarzt eskaliert \(escalated), offen \(stillOpen))",
        ]
        for kind in ConsultationKind.allCases where byKind[kind] != nil { lines.append("  \(kind.rawValue): \(byKind[kind]!)") }
        lines += [
            "Anforderung → Angebot: \(secs(requestToOffer))",
            "Anforderung → verbunden: \(secs(requestToConnected))",
            "Verpasste Angebote: \(offersMissed) · Backup-Alarme (60 s): \(backupAlerts) · Leitstellen-Hinweise (5 min): \(leitstelleAlerts)",
        ]
        return lines.joined(separator: "\n")
    }
}
