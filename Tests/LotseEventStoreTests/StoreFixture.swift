import Foundation
import LotseEventStore
import LotseSQLite

/// The adapters the contract suite runs against.
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory, sqlite
    var description: String { rawValue }
}

/// A store of one kind in a fresh temporary place, reopenable (for adapters that persist).
final class StoreFixture: @unchecked Sendable {
    // @unchecked: used from one test at a time; `current` is replaced only by `reopen()` in that test.
    let kind: StoreKind
    let directory: URL
    private(set) var current: any EventStore

    init(_ kind: StoreKind) throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch kind {
        case .memory: current = InMemoryEventStore()
        case .sqlite: current = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path, pollInterval: .milliseconds(50))
        }
    }

    var path: String { directory.appendingPathComponent("events.sqlite").path }

    /// Closes and opens the store again (SQLite only).
    func reopen() throws -> any EventStore {
        (current as? SQLiteEventStore)?.close()
        current = try SQLiteEventStore(path: path, pollInterval: .milliseconds(50))
        return current
    }

    deinit {
        (current as? SQLiteEventStore)?.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

func event(_ n: Int, type: String = "TestEvent") -> EventData {
    EventData(type: type, schemaVersion: 1, payload: Data("{\"n\":\(n)}".utf8), metadata: Data("{\"principal\":\"test:t\"}".utf8))
}
