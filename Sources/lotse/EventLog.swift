import Foundation
import LotseEventStore
import LotsePostgres
import LotseSQLite

/// The event log a command works on: an SQLite file (the embedded default) or a PostgreSQL store (several nodes).
/// Both are the same port to everything above; this is the one place the CLI picks an adapter.
struct EventLog: Sendable {
    enum Adapter: Sendable {
        case sqlite(SQLiteEventStore)
        case postgres(PostgresEventStore)
    }

    let adapter: Adapter
    /// What to show people: the file, or the URL without its password.
    let description: String

    var store: any EventStore {
        switch adapter {
        case let .sqlite(s): s
        case let .postgres(s): s
        }
    }

    /// The same store with its hash chain (`lotse verify`).
    var chained: any ChainedEventStore {
        switch adapter {
        case let .sqlite(s): s
        case let .postgres(s): s
        }
    }

    /// The case keys beside the log (crypto-shredding).
    var caseKeys: any CaseKeyStore {
        switch adapter {
        case let .sqlite(s): s
        case let .postgres(s): s
        }
    }

    var snapshots: any SnapshotStore {
        switch adapter {
        case let .sqlite(s): s
        case let .postgres(s): s
        }
    }

    /// Where nodes agree on who runs the timers: the PostgreSQL store; nil for a file (one process serves it).
    var leases: (any LeaseStore)? {
        switch adapter {
        case .sqlite: nil
        case let .postgres(s): s
        }
    }

    /// Opens `location`: a `postgres://` URL or an SQLite path. Errors are one German line.
    static func open(_ location: String) async throws -> EventLog {
        if PostgresStoreURL.isPostgres(location) {
            do {
                let url = try PostgresStoreURL(location)
                return EventLog(adapter: .postgres(try await PostgresEventStore.open(url)), description: url.description)
            } catch {
                throw CLIError(error.description)
            }
        }
        do {
            return EventLog(adapter: .sqlite(try SQLiteEventStore(path: location)), description: location)
        } catch {
            throw CLIError("Protokoll \(location) lässt sich nicht öffnen: \(error)")
        }
    }

    func close() {
        switch adapter {
        case let .sqlite(s): s.close()
        case let .postgres(s): s.close()
        }
    }
}
