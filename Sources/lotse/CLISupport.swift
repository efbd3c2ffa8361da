import ArgumentParser
import Foundation
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotsePostgres
import LotseSeed
import LotseTime

/// A setting's value from the environment (`LOTSE_…`) or the configuration file (`Settings`); an empty one counts
/// as unset. `name` is the environment variable's name.
func environment(_ name: String) -> String? {
    if let key = Settings.keys.first(where: { $0.environment == name }) { return Settings.value(key.name) }
    return ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}

/// Options shared by every command that opens the log.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite-Datei des Ereignisprotokolls (Umgebung: LOTSE_DB; Standard: lotse.sqlite) / event log file.")
    var dbOption: String?

    @Option(name: .long, help: "Ereignisprotokoll: SQLite-Datei oder postgres://benutzer@host:port/db (Umgebung: LOTSE_STORE; Vorrang vor --db).")
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Zeitpunkt statt der Systemzeit (ISO 8601), für reproduzierbare Ausgaben.", visibility: .hidden))
    var now: String?

    /// The SQLite file named by `--db`, `LOTSE_DB` (or the configuration file), or the default.
    var db: String { dbOption ?? environment("LOTSE_DB") ?? "lotse.sqlite" }

    /// The log named by `--store`, `LOTSE_STORE`, or the SQLite file.
    var location: String { store ?? environment("LOTSE_STORE") ?? db }

    func open() async throws -> EventLog { try await EventLog.open(location) }

    /// Opens an existing log; refuses to create an empty SQLite file for read-only commands.
    func openExisting() async throws -> EventLog {
        if !PostgresStoreURL.isPostgres(location), !FileManager.default.fileExists(atPath: location) {
            throw CLIError("Protokoll \(location) existiert nicht – zuerst `lotse seed --db \(location) --demo` / log file not found")
        }
        return try await open()
    }

    func time() throws -> Timestamp {
        guard let now else { return SystemClock().now() }
        guard let t = Timestamp(iso8601: now) else { throw CLIError("--now „\(now)“ ist keine ISO-8601-Zeit / not an ISO 8601 time") }
        return t
    }
}

/// Who is changing data from the shell.
struct ActorOptions: ParsableArguments {
    @Option(name: .long, help: "Wer ändert (wird mit jedem Ereignis gespeichert) / who makes the change.")
    var by: String?

    @Option(name: .long, help: "Idempotency-Key: eine Wiederholung liefert das erste Ergebnis / retry key.")
    var idempotencyKey: String?

    var principal: Principal {
        let user = by ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unbekannt"
        return Principal(role: .operator, id: user)
    }
}

/// A one-line error for people; the command exits non-zero without a trace.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Runs a command body, turning every failure into one line on stderr and exit code 1.
func guarded(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        let text: String = switch error {
        case let e as CLIError: e.message
        case let e as CustomStringConvertible: e.description
        default: "\(error)"
        }
        FileHandle.standardError.write(Data("Fehler: \(text)\n".utf8))
        throw ExitCode(1)
    }
}

/// `--until`: `14:30` (the next time it is 14:30 in Germany, within 24 h), `+90m` / `+2h`, or ISO 8601.
func parseUntil(_ raw: String, now: Timestamp) throws -> Timestamp {
    if raw.hasPrefix("+"), let unit = raw.last, let n = Double(raw.dropFirst().dropLast()), n > 0 {
        switch unit {
        case "m": return now.adding(minutes: n)
        case "h": return now.adding(minutes: n * 60)
        default: break
        }
    }
    let parts = raw.split(separator: ":")
    if parts.count == 2, raw.count <= 5, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) {
        let today = GermanTime.components(now)
        var t = GermanTime.instant(year: today.year, month: today.month, day: today.day, hour: h, minute: m)
        if t <= now { t = t.adding(minutes: 24 * 60) }
        return t
    }
    if let t = Timestamp(iso8601: raw) { return t }
    throw CLIError("--until „\(raw)“ ungültig: HH:MM, +90m, +2h oder ISO 8601 / invalid until")
}

/// The capacity index of a log: from the last snapshot plus the events after it. When that still meant reading
/// many events, a fresh snapshot is stored (best effort: a snapshot is a cache), so the next command starts fast.
func loadProjector(_ log: EventLog) async throws -> CapacityProjector {
    let projector = CapacityProjector(store: log.store)
    let stats = try await projector.rebuild(snapshots: log.snapshots)
    if stats.eventsRead > 50_000 { try? await projector.saveSnapshot(to: log.snapshots) }
    return projector
}

/// Runs a hospital command and prints its outcome.
func runHospitalCommand(_ command: HospitalCommand, hospital: HospitalID, store: StoreOptions, actor: ActorOptions) async throws {
    let log = try await store.openExisting()
    defer { log.close() }
    let s = log.store
    let now = try store.time()
    let service = CapacityService(store: s)
    let projector = try await loadProjector(log)
    try await service.expireDueClosures(in: projector.snapshot, at: now)
    let o = try await service.execute(command, hospital: hospital, by: actor.principal, at: now, idempotencyKey: actor.idempotencyKey)
    if o.deduplicated {
        print("Bereits ausgeführt (Idempotency-Key) – Log-Position \(o.position), nichts Neues geschrieben.")
    } else if o.events.isEmpty {
        print("Keine Änderung – Log-Position \(o.position).")
    } else {
        print("Gespeichert: \(o.events.map(\.typeName).joined(separator: ", ")) – Log-Position \(o.position) (von \(actor.principal)).")
    }
}
