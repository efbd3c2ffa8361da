import CSQLite
import Foundation
import LotseEventStore

/// One connection to an SQLite database. Not thread-safe: each is owned by one thread or lock at a time.
final class SQLiteConnection {
    let db: OpaquePointer
    /// Prepared statements by SQL text (see `cached`); finalized before the connection closes.
    var statementCache: [String: Statement] = [:]

    init(path: String) throws {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw EventStoreError.storage("cannot open \(path): \(message)")
        }
        db = handle
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(db)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw EventStoreError.storage(message)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else {
            throw EventStoreError.storage("\(errorMessage) in \(sql)")
        }
        return Statement(stmt: stmt, connection: self)
    }

    /// Runs a query returning one integer (or nil for NULL / no row).
    func scalarInt(_ sql: String) throws -> Int64? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int(0)
    }

    /// The column names of `table` (what a migration checks for).
    func columns(of table: String) throws -> Set<String> {
        let s = try prepare("PRAGMA table_info(\(table))")
        var names: Set<String> = []
        while try s.step() { names.insert(s.text(1)) }
        return names
    }

    func scalarText(_ sql: String) throws -> String? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.text(0)
    }
}

/// A prepared statement. Binding indexes start at 1, column indexes at 0 (as in SQLite).
final class Statement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(stmt, i, v) }
    func bind(_ i: Int32, _ v: String) { sqlite3_bind_text(stmt, i, v, -1, Self.transient) }
    func bind(_ i: Int32, _ v: Data) {
        v.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(stmt, i, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
        }
    }

    /// Binds an event as stored (the columns of `SQLiteSchema.insertEvent` in their order: position, stream, version,
    /// the stream's position before, type, schema version, payload, metadata, hash) — the one place an event row is written.
    func bindEvent(_ e: RecordedEvent, previousInStream: Int64, hash: Data) {
        bind(1, e.position)
        bind(2, e.stream.rawValue)
        bind(3, e.streamVersion)
        bind(4, previousInStream)
        bind(5, e.type)
        bind(6, Int64(e.schemaVersion))
        bind(7, e.payload)
        bind(8, e.metadata)
        bind(9, hash)
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw EventStoreError.storage(connection.errorMessage)
        }
    }

    func int(_ c: Int32) -> Int64 { sqlite3_column_int64(stmt, c) }
    func double(_ c: Int32) -> Double { sqlite3_column_double(stmt, c) }
    func isNull(_ c: Int32) -> Bool { sqlite3_column_type(stmt, c) == SQLITE_NULL }
    func text(_ c: Int32) -> String { sqlite3_column_text(stmt, c).map { String(cString: $0) } ?? "" }

    /// Texts this statement read before, kept to be handed out again: a column with few distinct values (the event
    /// types) read for every row of a long read then costs a comparison instead of a new string each.
    private var interned: [String] = []

    /// The text of column `c`, the same `String` as an earlier row's when the bytes are equal (up to 64 kept:
    /// for columns of few values only — each row is compared with those of its length).
    func internedText(_ c: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, c) else { return "" }
        let bytes = UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, c)))
        guard !bytes.isEmpty else { return "" }
        for s in interned where s.utf8.count == bytes.count {
            if s.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, p, bytes.count) == 0 }) == true { return s }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if interned.count < 64 { interned.append(s) }
        return s
    }

    /// The bytes of column `c` as SQLite holds them: valid until the statement steps, resets or reads the column as
    /// another type.
    func rawBlob(_ c: Int32) -> UnsafeRawBufferPointer {
        let p = sqlite3_column_blob(stmt, c)
        return UnsafeRawBufferPointer(start: p, count: p == nil ? 0 : Int(sqlite3_column_bytes(stmt, c)))
    }

    func blob(_ c: Int32) -> Data {
        let n = Int(sqlite3_column_bytes(stmt, c))
        guard n > 0, let p = sqlite3_column_blob(stmt, c) else { return Data() }
        return Data(bytes: p, count: n)
    }
}
