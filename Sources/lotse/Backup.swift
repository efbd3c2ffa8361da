import ArgumentParser
import Foundation
import LotseCapacity
import LotsePostgres
import LotseSQLite

/// `lotse backup`: a consistent copy of the SQLite log while `lotse serve` keeps writing, checked on its own
/// (integrity, positions without a gap, the capacity projection rebuilt from it). Restoring is starting on the copy.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sichert das SQLite-Protokoll im laufenden Betrieb in eine neue Datei und prüft die Kopie (Wiederherstellen: mit der Kopie starten).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Neue Datei für die Sicherung (wird nie überschrieben).") var to: String

    func run() async throws {
        try await guarded {
            if PostgresStoreURL.isPostgres(store.location) {
                throw CLIError("PostgreSQL sichert man mit pg_basebackup (ganzer Cluster) oder pg_dump (eine Datenbank) – Docs/OPERATIONS.md / use pg_basebackup or pg_dump")
            }
            guard FileManager.default.fileExists(atPath: store.location) else { throw CLIError("Protokoll \(store.location) existiert nicht / log file not found") }
            let started = Date()
            let check = try SQLiteBackup.copy(from: store.location, to: to)
            // The copy must also make sense to Lotse: the capacity index rebuilds from it.
            let copy = try SQLiteEventStore(path: to)
            defer { copy.close() }
            let rebuilt = try await CapacityProjector(store: copy).rebuild()
            guard rebuilt.position == check.head else { throw CLIError("Kopie unvollständig gelesen (\(rebuilt.position) von \(check.head))") }
            print("Sicherung \(to): \(check.events) Ereignisse bis Log-Position \(check.head), geprüft (Integrität, lückenlose Positionen, "
                + "\(rebuilt.hospitals) Kliniken neu aufgebaut) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
        }
    }
}
