import CSQLite
import Foundation
import LotseDomain
import LotseEventStore

/// The case keys of an SQLite log: table `case_keys` in the same file (not append-only). An erased key is
/// overwritten with zeros where it was stored (`secure_delete`), and the WAL is checkpointed so no page image of it
/// stays behind in the WAL file.
extension SQLiteEventStore: CaseKeyStore {
    public func caseKey(_ caseId: String) async throws -> CaseKeyRecord? {
        try withReader { c in
            let s = try c.cached("SELECT case_id, wrapped, master_key_id, created_at, erased_at FROM case_keys WHERE case_id = ?")
            defer { s.reset() }
            s.bind(1, caseId)
            return try s.step() ? Self.caseKeyRecord(s) : nil
        }
    }

    public func insertCaseKey(_ record: CaseKeyRecord) async throws -> CaseKeyRecord {
        try withReader { c in
            let s = try c.cached(
                "INSERT INTO case_keys(case_id, wrapped, master_key_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(case_id) DO NOTHING")
            defer { s.reset() }
            s.bind(1, record.caseId)
            if let w = record.wrapped { s.bind(2, w) }
            s.bind(3, record.masterKeyId)
            s.bind(4, record.createdAt.millis)
            _ = try s.step()
        }
        guard let stored = try await caseKey(record.caseId) else { throw EventStoreError.storage("case key of \(record.caseId) not stored") }
        return stored
    }

    public func eraseCaseKeys(_ caseIds: [String], at: Timestamp) async throws -> Int {
        try withReader { c in
            try c.exec("PRAGMA secure_delete = ON")
            try c.exec("BEGIN IMMEDIATE")
            var n = 0
            do {
                let s = try c.prepare("UPDATE case_keys SET wrapped = NULL, erased_at = ? WHERE case_id = ? AND wrapped IS NOT NULL")
                for id in caseIds {
                    s.reset()
                    s.bind(1, at.millis)
                    s.bind(2, id)
                    _ = try s.step()
                    n += Int(sqlite3_changes(c.db))
                }
                try c.exec("COMMIT")
            } catch {
                try? c.exec("ROLLBACK")
                throw error
            }
            // Best effort: a reader holding an old snapshot keeps the WAL until it ends; the next checkpoint clears it.
            try? c.exec("PRAGMA wal_checkpoint(TRUNCATE)")
            return n
        }
    }

    public func rewrapCaseKey(_ caseId: String, wrapped: Data, masterKeyId: String) async throws {
        try withReader { c in
            try c.exec("PRAGMA secure_delete = ON")
            let s = try c.prepare("UPDATE case_keys SET wrapped = ?, master_key_id = ? WHERE case_id = ? AND wrapped IS NOT NULL")
            s.bind(1, wrapped)
            s.bind(2, masterKeyId)
            s.bind(3, caseId)
            _ = try s.step()
        }
    }

    public func allCaseKeys() async throws -> [CaseKeyRecord] {
        try withReader { c in
            let s = try c.prepare("SELECT case_id, wrapped, master_key_id, created_at, erased_at FROM case_keys ORDER BY case_id")
            var out: [CaseKeyRecord] = []
            while try s.step() { out.append(Self.caseKeyRecord(s)) }
            return out
        }
    }

    private static func caseKeyRecord(_ s: Statement) -> CaseKeyRecord {
        CaseKeyRecord(
            caseId: s.text(0), wrapped: s.isNull(1) ? nil : s.blob(1), masterKeyId: s.text(2), createdAt: Timestamp(millis: s.int(3)),
            erasedAt: s.isNull(4) ? nil : Timestamp(millis: s.int(4)))
    }
}
