import ArgumentParser
import Foundation
import LotseApplication
import LotseCrypto
import LotseDomain
import LotseEventStore
import LotsePostgres
import LotseTelenotarzt
import LotseTime

/// Where the master key that wraps the case keys is read from: a file the operator keeps apart from the log.
struct MasterKeyOptions: ParsableArguments {
    @Option(help: "Hauptschlüssel-Datei (wickelt die Fallschlüssel ein; getrennt vom Protokoll aufbewahren; Umgebung: LOTSE_MASTER_KEY; Standard: <db>.master-key, wird beim ersten Start angelegt).")
    var masterKey: String?

    func path(base: String) -> String { masterKey ?? environment("LOTSE_MASTER_KEY") ?? base + ".master-key" }

    /// The vault of `log`'s case keys under the keyring at `path(base:)` (made when missing and `create`). Refuses a
    /// keyring that lacks a master key the stored case keys need: their personal fields would be unreadable.
    func vault(_ log: EventLog, base: String, create: Bool) async throws -> (vault: CaseKeyVault, path: String, created: Bool) {
        let path = path(base: base)
        let loaded: (ring: MasterKeyring, created: Bool)
        do { loaded = try MasterKeyring.load(path: path, create: create) } catch { throw CLIError(error.description) }
        let vault = CaseKeyVault(store: log.caseKeys, keyring: loaded.ring, keyringPath: path)
        do { try await vault.checkMasterKey(at: SystemClock().now()) } catch let e as VaultError {
            throw CLIError("\(e) – \(path) passt nicht zu diesem Protokoll (die Datei der anderen Knoten verwenden: --master-key) / wrong master key")
        }
        let missing = try await vault.missingMasterKeys()
        guard missing.isEmpty else {
            throw CLIError("Hauptschlüssel \(missing.sorted().joined(separator: ", ")) fehlt in \(path) – die Fallschlüssel wären unlesbar; "
                + "die richtige Datei angeben (--master-key) / master key missing")
        }
        return (vault, path, loaded.created)
    }
}

/// `lotse retention`: the end of personal data's retention period, and the master key's rotation.
struct Retention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aufbewahrungsfristen personenbezogener Daten: Fallschlüssel abgeschlossener Fälle löschen, Hauptschlüssel wechseln.",
        subcommands: [Apply.self, RotateMasterKey.self])

    /// Destroys the keys of closed cases older than the period: their personal fields read as erased from then on;
    /// the log is not touched.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Löscht die Fallschlüssel abgeschlossener Fälle, die älter als die Frist sind (das Protokoll bleibt unverändert).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Aufbewahrungsfrist nach Abschluss des Falls: z. B. 10y (Jahre), 90d (Tage), 0d (alle abgeschlossenen).")
        var olderThan: String
        @Option(help: "Stichtag statt jetzt (ISO 8601), für Nachholläufe.") var asOf: String?
        @Flag(help: "Nur zählen, nichts löschen.") var dryRun = false

        func run() async throws {
            try await guarded {
                let current = try asOf.map { raw in
                    guard let t = Timestamp(iso8601: raw) else { throw CLIError("--as-of „\(raw)“ ist kein ISO-8601-Zeitpunkt") }
                    return t
                } ?? SystemClock().now()
                let cutoff = try Self.cutoff(olderThan, from: current)
                let log = try await store.openExisting()
                defer { log.close() }
                let closed = try await TNARetention.closedCases(in: log.store)
                let keys = try await log.caseKeys.allCaseKeys().filter { $0.wrapped != nil && $0.caseId != CaseKeyVault.checkRecord }
                let due = keys.filter { k in closed[k.caseId].map { $0 < cutoff } ?? false }.map(\.caseId)
                let open = keys.filter { closed[$0.caseId] == nil }.count
                let erased = dryRun ? 0 : try await log.caseKeys.eraseCaseKeys(due, at: current)
                print("""
                    Aufbewahrungsfrist \(olderThan) (Fälle abgeschlossen vor \(cutoff.iso8601)): \(dryRun ? "\(due.count) Fälle wären zu löschen" : "\(erased) Fallschlüssel gelöscht"), \
                    \(keys.count - due.count - open) jünger, \(open) noch offen. Das Protokoll bleibt unverändert; gelöschte Felder lesen sich als „\(OpenedText.erasedLabel)“.
                    """)
            }
        }

        static func cutoff(_ period: String, from now: Timestamp) throws -> Timestamp {
            guard let unit = period.last, let n = Int(period.dropLast()), n >= 0, n <= 100, unit == "y" || unit == "d" else {
                throw CLIError("--older-than „\(period)“ ungültig: z. B. 10y oder 90d / e.g. 10y or 90d")
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let date = Date(timeIntervalSince1970: Double(now.millis) / 1000)
            guard let back = calendar.date(byAdding: unit == "y" ? .year : .day, value: -n, to: date) else { throw CLIError("--older-than zu groß") }
            return Timestamp(millis: Int64((back.timeIntervalSince1970 * 1000).rounded()))
        }
    }

    /// Wraps every case key with a new master key; the old one is dropped from the file at the end.
    struct RotateMasterKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-master-key",
            abstract: "Neuer Hauptschlüssel: alle Fallschlüssel neu einwickeln, danach den alten aus der Datei entfernen (laufende Server lesen die Datei neu).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var master: MasterKeyOptions

        func run() async throws {
            try await guarded {
                let log = try await store.openExisting()
                defer { log.close() }
                let base = PostgresStoreURL.isPostgres(store.location) ? store.db : store.location
                let (vault, path, _) = try await master.vault(log, base: base, create: false)
                // One rotation at a time: two would each drop the other's new key.
                let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o600)
                guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                    throw CLIError("Eine andere Rotation von \(path) läuft gerade / another rotation is running")
                }
                defer { close(lock) }
                var ring = vault.keyring
                // A rotation that stopped half-way left [new, old…] in the file: it is continued, not begun again.
                if ring.keys.count == 1 {
                    do {
                        try MasterKeyring.write([SecureRandom.bytes(AESGCM.keyCount)] + ring.keys.map(\.bytes), to: path, exclusive: false)
                        ring = try MasterKeyring.read(path)
                    } catch { throw CLIError("\(error)") }
                }
                // Servers re-read the file before they make a new case key; one that began just before the file changed
                // is caught by the next pass: passes until one finds nothing, then the old key leaves the file, then one
                // more pass (this process still holds the old key) for a seal that ended after the last.
                var rewrapped = try await vault.rewrap(to: ring)
                for _ in 0..<30 {
                    try await Task.sleep(for: .seconds(1))
                    let n = try await vault.rewrap(to: ring)
                    rewrapped += n
                    if n == 0 { break }
                }
                do { try MasterKeyring.write([ring.current.bytes], to: path, exclusive: false) } catch { throw CLIError("\(error)") }
                try await Task.sleep(for: .seconds(1))
                rewrapped += try await vault.rewrap(to: ring)
                print("Hauptschlüssel gewechselt: \(rewrapped) Fallschlüssel neu eingewickelt, aktueller Schlüssel \(ring.current.id) in \(path) (der alte ist entfernt).")
            }
        }
    }
}
