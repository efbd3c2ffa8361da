import Foundation
import LotseCrypto
import LotseDomain
import LotseEventStore
import Synchronization

/// Seals personal fields under a key per case and opens them for authorised readers (crypto-shredding): destroying
/// a case's key erases its fields in the log and in every copy of it, while the log itself stays untouched.
public protocol PersonalDataVault: Sendable {
    func seal(_ text: String, case caseId: String, at: Timestamp) async throws -> SealedText
    func open(_ sealed: SealedText) async -> OpenedText
}

extension PersonalDataVault {
    /// The text a reader is shown for `note` (clear text of older events as it is).
    public func display(_ note: PersonalNote?) async -> PersonalNote? {
        switch note {
        case nil: nil
        case let .clear(t)?: .clear(t)
        case let .sealed(s)?: .clear(await open(s).display)
        }
    }
}

/// Why sealing failed.
public enum VaultError: Error, Equatable, CustomStringConvertible {
    /// The case's key was destroyed: nothing personal may be added to an erased case.
    case erased(String)
    case masterKeyMissing(String)
    case crypto(String)

    public var description: String {
        switch self {
        case let .erased(c): "Fall \(c): Schlüssel gelöscht (Aufbewahrungsfrist abgelaufen) – keine neuen personenbezogenen Daten / case erased"
        case let .masterKeyMissing(id): "Hauptschlüssel \(id) fehlt in der Hauptschlüssel-Datei / master key missing"
        case let .crypto(why): "Verschlüsselung fehlgeschlagen: \(why) / encryption failed"
        }
    }
}

/// The vault: one random AES-256 key per case in a `CaseKeyStore`, wrapped by the current master key; the case id
/// is bound into every box as associated data, so a box cannot be moved to another case. No case key is cached:
/// every open reads the store, so an erasure by `lotse retention apply` takes effect at once on every node.
public final class CaseKeyVault: PersonalDataVault {
    private let store: any CaseKeyStore
    private let ring: Mutex<MasterKeyring>
    /// Where the keyring is re-read when a key id is not known (a rotation made by another process).
    private let keyringPath: String?
    private let lastModified: Mutex<Date?>

    public init(store: any CaseKeyStore, keyring: MasterKeyring, keyringPath: String? = nil) {
        self.store = store
        ring = Mutex(keyring)
        self.keyringPath = keyringPath
        lastModified = Mutex(keyringPath.flatMap(Self.modified))
    }

    public var keyring: MasterKeyring { ring.withLock { $0 } }

    static func wrapAAD(_ caseId: String) -> Data { Data("lotse-case-key|\(caseId)".utf8) }
    static func fieldAAD(_ caseId: String) -> Data { Data("lotse-personal-field|\(caseId)".utf8) }

    public func seal(_ text: String, case caseId: String, at: Timestamp) async throws -> SealedText {
        reloadIfChanged()
        let key = try await caseKey(caseId, at: at)
        do {
            return SealedText(caseId: caseId, box: try AESGCM.seal(Data(text.utf8), key: key, aad: Self.fieldAAD(caseId)))
        } catch {
            throw VaultError.crypto("\(error)")
        }
    }

    public func open(_ sealed: SealedText) async -> OpenedText {
        let record: CaseKeyRecord?
        do {
            record = try await store.caseKey(sealed.caseId)
        } catch {
            return .unavailable("Schlüsselspeicher: \(error)")
        }
        guard let record else { return .unavailable("kein Schlüssel für diesen Fall") }
        guard let wrapped = record.wrapped else { return .erased }
        guard let master = masterKey(record.masterKeyId) else { return .unavailable("Hauptschlüssel \(record.masterKeyId) fehlt") }
        do {
            let key = try AESGCM.open(wrapped, key: master.bytes, aad: Self.wrapAAD(sealed.caseId))
            return .text(String(decoding: try AESGCM.open(sealed.box, key: key, aad: Self.fieldAAD(sealed.caseId)), as: UTF8.self))
        } catch {
            return .unavailable("entschlüsselt nicht")
        }
    }

    /// The case's key: stored, or made and stored now.
    private func caseKey(_ caseId: String, at: Timestamp) async throws -> Data {
        var record = try await store.caseKey(caseId)
        if record == nil {
            let master = ring.withLock { $0.current }
            let fresh = SecureRandom.bytes(AESGCM.keyCount)
            let wrapped = try AESGCM.seal(fresh, key: master.bytes, aad: Self.wrapAAD(caseId))
            record = try await store.insertCaseKey(CaseKeyRecord(caseId: caseId, wrapped: wrapped, masterKeyId: master.id, createdAt: at))
        }
        guard let record, let wrapped = record.wrapped else { throw VaultError.erased(caseId) }
        guard let master = masterKey(record.masterKeyId) else { throw VaultError.masterKeyMissing(record.masterKeyId) }
        do {
            return try AESGCM.open(wrapped, key: master.bytes, aad: Self.wrapAAD(caseId))
        } catch {
            throw VaultError.crypto("\(error)")
        }
    }

    /// Re-reads the keyring file when it changed (a rotation by `lotse retention rotate-master-key`), so that new case
    /// keys are wrapped with the current master key, not one the rotation is about to drop.
    private func reloadIfChanged() {
        guard let keyringPath, let modified = Self.modified(keyringPath) else { return }
        guard lastModified.withLock({ $0 }) != modified, let fresh = try? MasterKeyring.read(keyringPath) else { return }
        ring.withLock { $0 = fresh }
        lastModified.withLock { $0 = modified }
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    private func masterKey(_ id: String) -> MasterKeyring.Key? {
        if let k = ring.withLock({ $0.key(id: id) }) { return k }
        guard let keyringPath, let fresh = try? MasterKeyring.read(keyringPath), let k = fresh.key(id: id) else { return nil }
        ring.withLock { $0 = fresh }
        return k
    }

    /// The record that ties the store to one master key: made with the first node's key; a node whose keyring cannot
    /// open it refuses to start (two nodes that each made their own master key would seal cases the other cannot read).
    public static let checkRecord = "lotse:master-key-check"

    /// Makes the check record when there is none (a read-only node leaves that to a writing one) and proves that
    /// this keyring opens it.
    public func checkMasterKey(at now: Timestamp) async throws {
        if try await store.caseKey(Self.checkRecord) == nil { _ = try? await caseKey(Self.checkRecord, at: now) }
        guard let r = try await store.caseKey(Self.checkRecord), let wrapped = r.wrapped else { return }
        guard let master = masterKey(r.masterKeyId) else { throw VaultError.masterKeyMissing(r.masterKeyId) }
        do {
            _ = try AESGCM.open(wrapped, key: master.bytes, aad: Self.wrapAAD(Self.checkRecord))
        } catch {
            throw VaultError.crypto("Hauptschlüssel \(r.masterKeyId) öffnet den Prüfeintrag nicht")
        }
    }

    /// Master-key ids that wrap stored case keys but are not in the keyring: their cases could not be read.
    public func missingMasterKeys() async throws -> Set<String> {
        let ids = Set(try await store.allCaseKeys().filter { $0.wrapped != nil }.map(\.masterKeyId))
        let ring = self.keyring
        return ids.filter { ring.key(id: $0) == nil }
    }

    /// Re-wraps every case key not wrapped by `newRing`'s current key with it (master-key rotation). Every old key
    /// needed must be in this vault's keyring. Resumable: what is already re-wrapped is skipped. Returns how many case
    /// keys (the check record not counted).
    public func rewrap(to newRing: MasterKeyring) async throws -> Int {
        let target = newRing.current
        var n = 0
        for r in try await store.allCaseKeys() {
            guard let wrapped = r.wrapped, r.masterKeyId != target.id else { continue }
            guard let old = masterKey(r.masterKeyId) ?? newRing.key(id: r.masterKeyId) else { throw VaultError.masterKeyMissing(r.masterKeyId) }
            let key = try AESGCM.open(wrapped, key: old.bytes, aad: Self.wrapAAD(r.caseId))
            try await store.rewrapCaseKey(r.caseId, wrapped: try AESGCM.seal(key, key: target.bytes, aad: Self.wrapAAD(r.caseId)), masterKeyId: target.id)
            if r.caseId != Self.checkRecord { n += 1 }
        }
        ring.withLock { $0 = newRing }
        return n
    }
}
