import Foundation
import LotseApplication
import LotseCrypto
import LotseDomain
import LotseEventStore
import Testing

/// Crypto-shredding: a field sealed under its case's key opens for readers until the key is destroyed; a rotation of
/// the master key keeps every case readable.
@Suite struct PersonalDataVaultTests {
    let t0 = Timestamp(iso8601: "2026-12-01T10:00:00Z")!

    func vault(_ store: any CaseKeyStore = InMemoryCaseKeyStore(), path: String? = nil) throws -> CaseKeyVault {
        CaseKeyVault(store: store, keyring: try MasterKeyring(keys: [SecureRandom.bytes(32)]), keyringPath: path)
    }

    @Test func aSealedFieldOpensForItsCaseOnlyAndReadsAsErasedOnceItsKeyIsDestroyed() async throws {
        let keys = InMemoryCaseKeyStore()
        let v = try vault(keys)
        let a = try await v.seal("Thoraxschmerz, 68 J.", case: "C-1", at: t0)
        let b = try await v.seal("Sturz, Platzwunde", case: "C-2", at: t0)
        #expect(!a.box.contains(Data("Thoraxschmerz".utf8)) && a.caseId == "C-1")
        #expect(await v.open(a) == .text("Thoraxschmerz, 68 J."))
        // A second field of the same case uses the same key (one key per case).
        let a2 = try await v.seal("Marcumar", case: "C-1", at: t0)
        #expect(await v.open(a2) == .text("Marcumar"))
        #expect(try await keys.allCaseKeys().count == 2)
        // The case id is bound into the box: moved to another case, it does not open.
        #expect(await v.open(SealedText(caseId: "C-2", box: a.box)) == .unavailable("entschlüsselt nicht"))

        #expect(try await keys.eraseCaseKeys(["C-1", "C-9"], at: t0) == 1)
        #expect(await v.open(a) == .erased)
        #expect(await v.open(a2).display == "gelöscht (Aufbewahrungsfrist abgelaufen)")
        #expect(await v.open(b) == .text("Sturz, Platzwunde"))
        // Nothing personal is added to an erased case.
        await #expect(throws: VaultError.erased("C-1")) { try await v.seal("neu", case: "C-1", at: t0) }
        #expect(try await keys.eraseCaseKeys(["C-1"], at: t0) == 0)
    }

    @Test func anotherMasterKeyCannotOpenAndIsNamed() async throws {
        let keys = InMemoryCaseKeyStore()
        let sealed = try await vault(keys).seal("Notiz", case: "C-1", at: t0)
        let other = try vault(keys)
        #expect(await other.open(sealed) == .unavailable("Hauptschlüssel \(try await keys.allCaseKeys()[0].masterKeyId) fehlt"))
        #expect(try await other.missingMasterKeys().count == 1)
        #expect(!(await other.open(sealed).display.contains("Notiz")))
    }

    @Test func aStoreBelongsToTheFirstMasterKeyThatChecksIt() async throws {
        let keys = InMemoryCaseKeyStore()
        let first = try vault(keys), second = try vault(keys)
        try await first.checkMasterKey(at: t0)
        try await first.checkMasterKey(at: t0)
        // Another node that made its own master key is refused before it seals anything.
        await #expect(throws: VaultError.self) { try await second.checkMasterKey(at: t0) }
        #expect(try await keys.allCaseKeys().map(\.caseId) == [CaseKeyVault.checkRecord])
    }

    @Test func rotationRewrapsEveryCaseKeyAndKeepsEveryCaseReadable() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("master-key").path
        let (ring, created) = try MasterKeyring.load(path: path, create: true)
        #expect(created)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(try MasterKeyring.load(path: path, create: true).created == false)
        let keys = InMemoryCaseKeyStore()
        let v = CaseKeyVault(store: keys, keyring: ring, keyringPath: path)
        var sealed: [SealedText] = []
        for i in 0..<20 { sealed.append(try await v.seal("Notiz \(i)", case: "C-\(i)", at: t0)) }
        _ = try await keys.eraseCaseKeys(["C-3"], at: t0)

        let next = try MasterKeyring(keys: [SecureRandom.bytes(32)] + ring.keys.map(\.bytes))
        try MasterKeyring.write(next.keys.map(\.bytes), to: path, exclusive: false)
        #expect(try await v.rewrap(to: next) == 19)
        #expect(try await v.rewrap(to: next) == 0)
        #expect(try await keys.allCaseKeys().filter { $0.wrapped != nil }.allSatisfy { $0.masterKeyId == next.current.id })
        // Only the new key is left: a fresh vault on it reads every case as before.
        try MasterKeyring.write([next.current.bytes], to: path, exclusive: false)
        let fresh = CaseKeyVault(store: keys, keyring: try MasterKeyring.read(path), keyringPath: path)
        for (i, s) in sealed.enumerated() { #expect(await fresh.open(s) == (i == 3 ? .erased : .text("Notiz \(i)"))) }
        #expect(try await fresh.missingMasterKeys().isEmpty)
    }

    @Test func aKeyringFileThatIsNotOneIsRefusedClearly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("k").path
        #expect(throws: MasterKeyError.missing(path)) { try MasterKeyring.load(path: path, create: false) }
        try "# nur ein Kommentar\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MasterKeyError.empty) { try MasterKeyring.read(path) }
        try "abcd\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MasterKeyError.self) { try MasterKeyring.read(path) }
    }

    @Test func notesOfOlderEventsReadAsClearTextAndSealedOnesAsObjects() throws {
        let clear = try JSONDecoder().decode(PersonalNote.self, from: Data(#""alt""#.utf8))
        #expect(clear == .clear("alt"))
        let sealed = PersonalNote.sealed(SealedText(caseId: "C-1", box: Data([1, 2, 3])))
        let json = String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
        #expect(json.contains(#""case":"C-1""#) && json.contains(#""sealed":"AQID""#))
        #expect(try JSONDecoder().decode(PersonalNote.self, from: Data(json.utf8)) == sealed)
    }
}
