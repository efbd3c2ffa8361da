import ArgumentParser
import Foundation
import LotseApplication
import LotseDomain
import LotseTelenotarzt
import LotseTime

struct TNAReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tna-report", abstract: "Telenotarzt-Bericht über einen Zeitraum aus dem Protokoll.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Beginn (ISO 8601); Standard: vor 24 h.", transform: parseTime) var from: Timestamp?
    @Option(help: "Ende (ISO 8601); Standard: jetzt.", transform: parseTime) var to: Timestamp?

    func run() async throws {
        try await guarded {
            let now = try store.time()
            let start = from ?? now.adding(minutes: -24 * 60)
            let end = to ?? now
            guard start < end else { throw CLIError("--from muss vor --to liegen") }
            let log = try await store.openExisting()
            defer { log.close() }
            let s = log.store
            let service = TNAService(store: s, network: TNANetwork(centres: []), clock: ManualClock(now))
            try await service.catchUp()
            print(TNAReport(await service.state, from: start, to: end).text)
        }
    }
}
