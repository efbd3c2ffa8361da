import CSQLite
import Foundation
import LotseEventStore
import LotsePostgres
import LotseSQLite

/// The adapters the contract suite runs against. PostgreSQL joins when `LOTSE_TEST_POSTGRES` names a server
/// (`.ci/run` starts one: `bash scripts/postgres-test-instance.sh start`).
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory, sqlite, postgres
    var description: String { rawValue }

    static var allCases: [StoreKind] { PostgresTestServer.url == nil ? [.memory, .sqlite] : [.memory, .sqlite, .postgres] }
    /// The adapters that keep their events when closed.
    static var persistent: [StoreKind] { allCases.filter { $0 != .memory } }
}

/// The PostgreSQL server of the tests, if any.
enum PostgresTestServer {
    static let url: String? = ProcessInfo.processInfo.environment["LOTSE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    /// `.ci/run` sets this: then a missing server fails the run instead of skipping the PostgreSQL cases.
    static let required = ProcessInfo.processInfo.environment["LOTSE_REQUIRE_POSTGRES"] == "1"

    /// A URL for a fresh, empty schema on the test server (each test its own log).
    static func freshURL(schema: String = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")) throws -> PostgresStoreURL {
        guard let url else { throw PostgresStoreError.unreachable("LOTSE_TEST_POSTGRES is not set") }
        return try PostgresStoreURL(url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
    }
}

/// A store of one kind in a fresh temporary place, reopenable (for adapters that persist).
final class StoreFixture: @unchecked Sendable {
    // @unchecked: used from one test at a time; `current` is replaced only by `reopen()` in that test.
    let kind: StoreKind
    let directory: URL
    let postgresURL: PostgresStoreURL?
    private(set) var current: any EventStore

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch kind {
        case .memory:
            postgresURL = nil
            current = InMemoryEventStore()
        case .sqlite:
            postgresURL = nil
            current = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path, pollInterval: .milliseconds(50))
        case .postgres:
            let url = try PostgresTestServer.freshURL()
            postgresURL = url
            current = try await PostgresEventStore.open(url, pollInterval: .milliseconds(50))
        }
    }

    var path: String { directory.appendingPathComponent("events.sqlite").path }

    /// Whether the store keeps its events when closed and opened again.
    var persists: Bool { kind != .memory }

    /// Closes and opens the store again (adapters that persist).
    func reopen() async throws -> any EventStore {
        switch kind {
        case .memory: return current
        case .sqlite:
            (current as? SQLiteEventStore)?.close()
            current = try SQLiteEventStore(path: path, pollInterval: .milliseconds(50))
        case .postgres:
            (current as? PostgresEventStore)?.close()
            current = try await PostgresEventStore.open(postgresURL!, pollInterval: .milliseconds(50))
        }
        return current
    }

    deinit {
        (current as? SQLiteEventStore)?.close()
        (current as? PostgresEventStore)?.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

func event(_ n: Int, type: String = "TestEvent") -> EventData {
    EventData(type: type, schemaVersion: 1, payload: Data("{\"n\":\(n)}".utf8), metadata: Data("{\"principal\":\"test:t\"}".utf8))
}

/// Runs `sql` on the SQLite file at `path` with its own connection (what Lotse itself never does): the result code
/// and SQLite's message.
func sqliteExec(_ path: String, _ sql: String) -> (Int32, String) {
    var db: OpaquePointer?
    sqlite3_open(path, &db)
    defer { sqlite3_close(db) }
    var err: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(db, sql, nil, nil, &err)
    let message = err.map { String(cString: $0) } ?? ""
    sqlite3_free(err)
    return (rc, message)
}
