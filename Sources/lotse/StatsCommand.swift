import ArgumentParser
import Foundation
import LotseDispatch
import LotseDomain
import LotseStatistics

/// `lotse stats`: the statistics of a period from the log (closures, data age, announcements, offload,
/// Telenotarzt) as Markdown, CSV or JSON.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Statistik eines Zeitraums aus dem Protokoll: Abmeldungen, Datenalter, Voranmeldungen, Übergaben, Telenotarzt.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Beginn (ISO 8601); Standard: vor 30 Tagen.", transform: parseTime) var from: Timestamp?
    @Option(help: "Ende (ISO 8601, ausschließlich); Standard und höchstens: jetzt.", transform: parseTime) var to: Timestamp?
    @Option(help: "Nur die Kliniken dieses Kreises (mehrfach möglich).") var district: [String] = []
    @Option(help: "Nur diese Klinik (Standort-ID).") var hospital: String?
    @Option(help: "Ausgabe: md, csv oder json.") var format: String = "md"
    @Option(help: "Stunden ohne Meldung, nach denen ein Status als unbekannt gilt (wie im Server).") var ttlHours: Double = DispatchParameters().statusTTLMinutes / 60

    func run() async throws {
        try await guarded {
            let now = try store.time()
            // Up to now at the latest: the future has no events, and a running closure is not counted ahead.
            let end = min(to ?? now, now)
            let start = from ?? end.adding(minutes: -30 * 24 * 60)
            guard start < end else { throw CLIError("--from muss vor --to liegen / --from must be before --to") }
            guard let format = StatisticsReport.Format(rawValue: format) else {
                throw CLIError("--format „\(format)“: md, csv oder json")
            }
            guard ttlHours > 0, ttlHours <= 24 * 7 else { throw CLIError("--ttl-hours muss zwischen 0 und 168 liegen") }
            let scope: StatisticsScope
            switch (hospital, district.isEmpty) {
            case (nil, true): scope = .all
            case let (h?, true):
                guard let id = HospitalID(h) else { throw CLIError("--hospital „\(h)“ ist keine Standort-ID") }
                scope = .hospital(id)
            case (nil, false): scope = .districts(Set(district.map { DistrictID($0) }))
            default: throw CLIError("--hospital und --district schließen sich aus / use one of them")
            }
            let log = try await store.openExisting()
            defer { log.close() }
            let head = try await log.store.head()
            let clock = ContinuousClock(), started = clock.now
            var shown = 0
            let report = try await LogStatistics.compute(from: start, to: end, scope: scope, ttlMinutes: ttlHours * 60, store: log.store) { position in
                // Progress on long logs, to stderr (stdout is the report).
                let percent = head > 0 ? Int(Double(position) / Double(head) * 100) : 100
                if percent >= shown + 10 {
                    shown = percent / 10 * 10
                    FileHandle.standardError.write(Data("… \(shown) % des Protokolls gelesen\n".utf8))
                }
            }
            print(try report.rendered(as: format), terminator: "")
            let seconds = (clock.now - started) / .seconds(1)
            FileHandle.standardError.write(Data("Statistik aus \(head) Ereignissen in \(String(format: "%.1f", seconds)) s.\n".utf8))
        }
    }
}
