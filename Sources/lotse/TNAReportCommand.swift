import ArgumentParser
import Foundation
import LotseApplication
import LotseDomain
import LotseTelenotarzt

struct TNAReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tna-report", abstract: "Telenotarzt-Bericht über einen Zeitraum aus dem Protokoll.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Beginn (ISO 8601); Standard: vor 24 h.") var from: String?
    @Option(help: "Ende (ISO 8601); Standard: jetzt.") var to: String?

    func run() async throws {
        try await guarded {
            let now = try store.time()
            guard let start = from.map({ Timestamp(iso8601: $0) }) ?? now.adding(minutes: -24 * 60) else { throw CLIError("--from ist keine ISO-8601-Zeit") }
            guard let end = to.map({ Timestamp(iso8601: $0) }) ?? now else { throw CLIError("--to ist keine ISO-8601-Zeit") }
            guard start < end else { throw CLIError("--from muss vor --to liegen") }
            let s = try store.openExisting()
            defer { s.close() }
            let service = TNAService(store: s, network: TNANetwork(centres: []), clock: ManualClock(now))
            try await service.catchUp()
            print(TNAReport(await service.state, from: start, to: end).text)
        }
    }
}
