import Foundation
import LotseDomain
import LotseEventStore
import LotsePostgres
import LotseSQLite
import Testing

/// One contract for the case-key store, every adapter.
@Suite struct CaseKeyStoreTests {
    func caseKeys(_ f: StoreFixture) -> any CaseKeyStore {
        (f.current as? any CaseKeyStore) ?? InMemoryCaseKeyStore()
    }

    @Test(arguments: StoreKind.allCases)
    func theFirstKeyOfACaseStaysErasureKeepsTheCaseAndRewrapReplaces(_ kind: StoreKind) async throws {
        let f = try await StoreFixture(kind)
        let s = caseKeys(f)
        let t = Timestamp(millis: 1_780_000_000_000)
        let first = CaseKeyRecord(caseId: "C-1", wrapped: Data([1, 2, 3]), masterKeyId: "m1", createdAt: t)
        #expect(try await s.insertCaseKey(first) == first)
        // A second writer of the same case gets the first key back.
        #expect(try await s.insertCaseKey(CaseKeyRecord(caseId: "C-1", wrapped: Data([9]), masterKeyId: "m1", createdAt: t)) == first)
        _ = try await s.insertCaseKey(CaseKeyRecord(caseId: "C-2", wrapped: Data([4]), masterKeyId: "m1", createdAt: t))
        #expect(try await s.caseKey("C-0") == nil)

        try await s.rewrapCaseKey("C-2", wrapped: Data([5, 6]), masterKeyId: "m2")
        #expect(try await s.caseKey("C-2") == CaseKeyRecord(caseId: "C-2", wrapped: Data([5, 6]), masterKeyId: "m2", createdAt: t))

        let later = Timestamp(millis: t.millis + 1000)
        #expect(try await s.eraseCaseKeys(["C-1", "C-7"], at: later) == 1)
        #expect(try await s.eraseCaseKeys(["C-1"], at: later) == 0)
        #expect(try await s.caseKey("C-1") == CaseKeyRecord(caseId: "C-1", wrapped: nil, masterKeyId: "m1", createdAt: t, erasedAt: later))
        // An erased key is not re-wrapped back to life.
        try await s.rewrapCaseKey("C-1", wrapped: Data([7]), masterKeyId: "m2")
        #expect(try await s.caseKey("C-1")?.wrapped == nil)
        #expect(try await s.allCaseKeys().map(\.caseId).sorted() == ["C-1", "C-2"])
        if f.persists {
            let again = try #require(try await f.reopen() as? any CaseKeyStore)
            #expect(try await again.caseKey("C-2")?.wrapped == Data([5, 6]))
        }
    }
}
