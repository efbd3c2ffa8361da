import Foundation
import LotseDomain
import LotseEventStore
import NIOCore
import PostgresNIO

/// The case keys of a PostgreSQL log: table `lotse_case_keys` beside the events (not append-only). An erased key's
/// row keeps the case id and the time; the old row version is removed by PostgreSQL's vacuum.
extension PostgresEventStore: CaseKeyStore {
    private static let columns = "case_id, wrapped, master_key_id, created_at, erased_at"

    public func caseKey(_ caseId: String) async throws -> CaseKeyRecord? {
        var binds = PostgresBindings()
        binds.append(caseId)
        return try await records(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM \(tables.caseKeys) WHERE case_id = $1", binds: binds)).first
    }

    public func insertCaseKey(_ record: CaseKeyRecord) async throws -> CaseKeyRecord {
        var binds = PostgresBindings()
        binds.append(record.caseId)
        binds.append(record.wrapped.map { ByteBuffer(bytes: $0) })
        binds.append(record.masterKeyId)
        binds.append(record.createdAt.millis)
        let query = PostgresQuery(
            unsafeSQL: "INSERT INTO \(tables.caseKeys) (case_id, wrapped, master_key_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING",
            binds: binds)
        try await reading { conn, logger in _ = try await conn.query(query, logger: logger) }
        guard let stored = try await caseKey(record.caseId) else { throw EventStoreError.storage("case key of \(record.caseId) not stored") }
        return stored
    }

    public func eraseCaseKeys(_ caseIds: [String], at: Timestamp) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(at.millis)
        binds.append(caseIds)
        let query = PostgresQuery(
            unsafeSQL: "UPDATE \(tables.caseKeys) SET wrapped = NULL, erased_at = $1 WHERE case_id = ANY($2) AND wrapped IS NOT NULL RETURNING case_id",
            binds: binds)
        return try await reading { conn, logger in
            var n = 0
            for try await _ in try await conn.query(query, logger: logger).decode(String.self) { n += 1 }
            return n
        }
    }

    public func rewrapCaseKey(_ caseId: String, wrapped: Data, masterKeyId: String) async throws {
        var binds = PostgresBindings()
        binds.append(ByteBuffer(bytes: wrapped))
        binds.append(masterKeyId)
        binds.append(caseId)
        let query = PostgresQuery(
            unsafeSQL: "UPDATE \(tables.caseKeys) SET wrapped = $1, master_key_id = $2 WHERE case_id = $3 AND wrapped IS NOT NULL", binds: binds)
        try await reading { conn, logger in _ = try await conn.query(query, logger: logger) }
    }

    public func allCaseKeys() async throws -> [CaseKeyRecord] {
        try await records(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM \(tables.caseKeys) ORDER BY case_id"))
    }

    private func records(_ query: PostgresQuery) async throws -> [CaseKeyRecord] {
        try await reading { conn, logger in
            var out: [CaseKeyRecord] = []
            for try await (id, wrapped, master, created, erased) in try await conn.query(query, logger: logger).decode(
                (String, ByteBuffer?, String, Int64, Int64?).self)
            {
                out.append(CaseKeyRecord(
                    caseId: id, wrapped: wrapped.map { Data($0.readableBytesView) }, masterKeyId: master, createdAt: Timestamp(millis: created),
                    erasedAt: erased.map { Timestamp(millis: $0) }))
            }
            return out
        }
    }
}
