import Foundation
import LotseCrypto

/// The master keys that wrap case keys, read from a file the operator keeps apart from the log: one key per line as
/// 64 hex characters, the first is current (new case keys are wrapped with it), later ones are still read (during a
/// rotation). Lines starting with `#` are comments. A key's id is the start of its SHA-256, so a wrong file is named.
public struct MasterKeyring: Sendable {
    public struct Key: Sendable {
        public let id: String
        public let bytes: Data
    }

    public let keys: [Key]
    public var current: Key { keys[0] }

    public init(keys: [Data]) throws(MasterKeyError) {
        guard !keys.isEmpty else { throw .empty }
        self.keys = try keys.map { k throws(MasterKeyError) in
            guard k.count == AESGCM.keyCount else { throw .malformed("ein Schlüssel hat \(k.count) statt 32 Byte") }
            return Key(id: Self.id(of: k), bytes: k)
        }
    }

    public static func id(of key: Data) -> String { String(SHA256Digest.hash(key).hexString.prefix(16)) }

    public func key(id: String) -> Key? { keys.first { $0.id == id } }

    /// Reads `path`; with `create`, a missing file is made with one new random key (mode 0600, never overwritten).
    public static func load(path: String, create: Bool) throws(MasterKeyError) -> (ring: MasterKeyring, created: Bool) {
        if !FileManager.default.fileExists(atPath: path) {
            guard create else { throw .missing(path) }
            try write([SecureRandom.bytes(AESGCM.keyCount)], to: path, exclusive: true)
            return (try read(path), true)
        }
        return (try read(path), false)
    }

    public static func read(_ path: String) throws(MasterKeyError) -> MasterKeyring {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path) }
        var keys: [Data] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            guard let k = Data(hexString: t) else { throw .malformed("Zeile ist kein Hex-Schlüssel") }
            keys.append(k)
        }
        return try MasterKeyring(keys: keys)
    }

    /// Writes `keys` (first = current) to `path`: a new file exclusively, or an existing one replaced atomically.
    public static func write(_ keys: [Data], to path: String, exclusive: Bool) throws(MasterKeyError) {
        let text = "# Lotse-Hauptschlüssel (AES-256): getrennt vom Protokoll aufbewahren; die erste Zeile ist der aktuelle.\n"
            + keys.map(\.hexString).joined(separator: "\n") + "\n"
        let target = exclusive ? path : path + ".tmp-\(getpid())"
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .unwritable(target, String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) } == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok else {
            unlink(target)
            throw .unwritable(target, "write")
        }
        if !exclusive, rename(target, path) != 0 {
            unlink(target)
            throw .unwritable(path, String(cString: strerror(errno)))
        }
    }
}

public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case unreadable(String)
    case unwritable(String, String)
    case malformed(String)
    case empty

    public var description: String {
        switch self {
        case let .missing(p): "Hauptschlüssel-Datei \(p) fehlt / master key file missing"
        case let .unreadable(p): "Hauptschlüssel-Datei \(p) nicht lesbar / master key file unreadable"
        case let .unwritable(p, why): "Hauptschlüssel-Datei \(p) nicht schreibbar (\(why)) / cannot write master key file"
        case let .malformed(why): "Hauptschlüssel-Datei fehlerhaft: \(why) / malformed master key file"
        case .empty: "Hauptschlüssel-Datei enthält keinen Schlüssel / no key in master key file"
        }
    }
}
