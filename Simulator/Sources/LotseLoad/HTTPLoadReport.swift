import Foundation
import LotseDemand

/// The HTTP load result as a Markdown table (German labels; microseconds as measured by the client).
public enum HTTPLoadReport {
    public static func markdown(_ r: HTTPLoad.Result, url: String, scenario: Scenario) -> String {
        var s = "# Lotse unter HTTP-Last („\(scenario.name)“, Seed \(scenario.seed))\n\n"
        s += "Server \(url), \(r.clients) Clients, \(r.mode); \(r.missions) Einsätze, \(r.requests) Anfragen in "
        s += String(format: "%.1f s = %.0f Anfragen/s.\n\n", r.wallSeconds, r.requestsPerSecond)
        s += "| Anfrage | Anzahl | p50 ms | p90 ms | p99 ms | p99,9 ms | max ms |\n|---|---|---|---|---|---|---|\n"
        for (k, l) in r.latency.sorted(by: { $0.key < $1.key }) {
            s += "| \(k) | \(l.count) | " + [l.p50, l.p90, l.p99, l.p999, l.max].map { String(format: "%.2f", $0 / 1000) }.joined(separator: " | ") + " |\n"
        }
        s += "\nFehler (Status ≠ 2xx): " + (r.errors.isEmpty ? "keine" : r.errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")) + "\n"
        for (k, detail) in r.errorSamples.sorted(by: { $0.key < $1.key }) { s += "\n- \(k), zum Beispiel: `\(detail.replacingOccurrences(of: "`", with: "'"))`" }
        if !r.errorSamples.isEmpty { s += "\n" }
        return s
    }
}
