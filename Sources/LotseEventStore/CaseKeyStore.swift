import Foundation
import LotseDomain
import Synchronization

/// The key of one case, wrapped (AES-256-GCM) by a master key. After erasure only the case id and the time remain.
public struct CaseKeyRecord: Sendable, Equatable {
    public let caseId: String
    /// nonce ‖ ciphertext ‖ tag of the case key under the master key `masterKeyId`; nil once erased.
    public let wrapped: Data?
    public let masterKeyId: String
    public let createdAt: Timestamp
    public let erasedAt: Timestamp?

    public init(caseId: String, wrapped: Data?, masterKeyId: String, createdAt: Timestamp, erasedAt: Timestamp? = nil) {
        self.caseId = caseId
        self.wrapped = wrapped
        self.masterKeyId = masterKeyId
        self.createdAt = createdAt
        self.erasedAt = erasedAt
    }
}

/// Where case keys live: beside the log, and — unlike the log — changeable: erasing a key is the point.
public protocol CaseKeyStore: Sendable {
    func caseKey(_ caseId: String) async throws -> CaseKeyRecord?
    /// Stores `record` unless the case has a key already; returns the record that is stored (a concurrent first
    /// writer wins, and both then seal with the same key).
    func insertCaseKey(_ record: CaseKeyRecord) async throws -> CaseKeyRecord
    /// Destroys the keys of `caseIds` (the row stays with `erasedAt`, so a read can say "erased"); returns how many
    /// keys were destroyed now.
    func eraseCaseKeys(_ caseIds: [String], at: Timestamp) async throws -> Int
    /// Replaces the wrapping of a case key (master-key rotation).
    func rewrapCaseKey(_ caseId: String, wrapped: Data, masterKeyId: String) async throws
    /// Every record (rotation, retention, the start-up check).
    func allCaseKeys() async throws -> [CaseKeyRecord]
}

/// The in-memory twin of the case-key store.
public final class InMemoryCaseKeyStore: CaseKeyStore {
    private let records = Mutex<[String: CaseKeyRecord]>([:])
    public init() {}

    public func caseKey(_ caseId: String) async throws -> CaseKeyRecord? { records.withLock { $0[caseId] } }

    public func insertCaseKey(_ record: CaseKeyRecord) async throws -> CaseKeyRecord {
        records.withLock { r in
            if let existing = r[record.caseId] { return existing }
            r[record.caseId] = record
            return record
        }
    }

    public func eraseCaseKeys(_ caseIds: [String], at: Timestamp) async throws -> Int {
        records.withLock { r in
            var n = 0
            for id in caseIds {
                guard let k = r[id], k.wrapped != nil else { continue }
                r[id] = CaseKeyRecord(caseId: id, wrapped: nil, masterKeyId: k.masterKeyId, createdAt: k.createdAt, erasedAt: at)
                n += 1
            }
            return n
        }
    }

    public func rewrapCaseKey(_ caseId: String, wrapped: Data, masterKeyId: String) async throws {
        records.withLock { r in
            guard let k = r[caseId], k.wrapped != nil else { return }
            r[caseId] = CaseKeyRecord(caseId: caseId, wrapped: wrapped, masterKeyId: masterKeyId, createdAt: k.createdAt)
        }
    }

    public func allCaseKeys() async throws -> [CaseKeyRecord] { records.withLock { Array($0.values) } }
}
