import ArgumentParser
import Foundation
import LotseCapacity
import LotseCrypto
import LotseEventStore

/// `lotse verify`: proves the log was not altered — positions without a gap, every hash of the chain, every event
/// readable, the capacity index rebuilt from it equal to the stored snapshot — and names the first bad position.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prüft das Protokoll: lückenlose Positionen, Hash-Kette, lesbare Ereignisse, Snapshot = Neuaufbau; nennt die erste fehlerhafte Position.")
    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp(
        "Früher notierter Kopf POSITION:HASH (aus einer früheren Ausgabe); erkennt auch ein gekürztes Protokoll.", valueName: "position:hash"))
    var expectHead: String?

    func run() async throws {
        try await guarded {
            let expected = try expectHead.map(Self.parseHead)
            let log = try await store.openExisting()
            defer { log.close() }
            let report = try await Self.verify(log, expecting: expected)
            guard report.problem == nil else { throw ExitCode(1) }
        }
    }

    static func parseHead(_ raw: String) throws -> LogVerifier.ExpectedHead {
        let parts = raw.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let position = Int64(parts[0]), position > 0, let hash = Data(hexString: parts[1]), hash.count == 32 else {
            throw CLIError("--expect-head braucht POSITION:HASH (64 Hex-Zeichen), z. B. 1200:3fa4… / expected position:hash")
        }
        return LogVerifier.ExpectedHead(position: position, hash: hash)
    }

    /// Verifies `log`, prints the finding (a problem on stderr), and returns the report.
    @discardableResult
    static func verify(_ log: EventLog, expecting expected: LogVerifier.ExpectedHead? = nil) async throws -> LogVerifier.Report {
        let started = Date()
        let report = try await LogVerifier.verify(
            log.chained, snapshots: log.snapshots, format: SnapshotFormat.current(table: nil), expecting: expected
        ) { position in
            FileHandle.standardError.write(Data("… \(position) Ereignisse geprüft\n".utf8))
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        if let problem = report.problem {
            FileHandle.standardError.write(Data("""
                Fehler: Protokoll \(log.description) ist nicht in Ordnung – \(problem)
                  Bis Position \(report.head) stimmt alles. Wiederherstellen: die letzte geprüfte Sicherung (Docs/OPERATIONS.md).

                """.utf8))
            return report
        }
        let chain = report.anchor.start == 1
            ? "Hash-Kette ab Position 1" : "Hash-Kette ab Position \(report.anchor.start), die Ereignisse davor durch den Anker gedeckt"
        let snapshot = switch report.snapshot {
        case .none: "kein Snapshot gespeichert"
        case let .matches(p): "der Snapshot bei Position \(p) stimmt mit dem Neuaufbau überein"
        case let .otherFormat(why): "der gespeicherte Snapshot wird nicht verwendet (\(why))"
        }
        print("""
            Protokoll \(log.description): \(report.head) Ereignisse geprüft in \(seconds) s – in Ordnung.
              Positionen 1…\(report.head) lückenlos, jeder Hash passt (\(chain)), jedes Ereignis lesbar.
              Index neu aufgebaut (\(report.hospitals) Kliniken); \(snapshot).
              Kopf: \(report.head):\(report.headHash.hexString)
              (Notieren Sie den Kopf außerhalb dieses Rechners; `lotse verify --expect-head \(report.head):…` erkennt dann auch ein gekürztes Protokoll.)
            """)
        return report
    }
}
