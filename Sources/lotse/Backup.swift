import ArgumentParser
import Foundation
import LotsePostgres
import LotseSQLite

/// `lotse backup`: a consistent copy of the SQLite log while `lotse serve` keeps writing, then verified on its own
/// as `lotse verify` does (integrity, positions without a gap, the hash chain, the index rebuilt). Restoring is
/// starting on the copy.
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
            print("Sicherung \(to): \(check.events) Ereignisse bis Log-Position \(check.head) kopiert "
                + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s (SQLite-Integrität geprüft). Prüfung der Kopie:")
            // The copy must verify on its own, as `lotse verify` would: chain, readable events, the index rebuilt.
            let copy = try await EventLog.open(to)
            defer { copy.close() }
            let report = try await Verify.verify(copy)
            guard report.problem == nil, report.head == check.head else {
                throw CLIError("Die Sicherung \(to) ist nicht brauchbar – nicht verwenden / backup does not verify")
            }
        }
    }
}
