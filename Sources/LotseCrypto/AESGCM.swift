import CLibCrypto
import Foundation

/// AES-256-GCM by the system's libcrypto (`EVP_aes_256_gcm`): 32-byte key, 12-byte nonce, 16-byte tag.
///
/// A nonce must never repeat under one key; `seal(_:key:aad:)` draws a fresh random one for every message, which
/// is safe far beyond the number of messages one case key encrypts.
public enum AESGCM {
    public static let keyCount = 32
    public static let nonceCount = 12
    public static let tagCount = 16

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badKey
        case badNonce
        /// The tag did not match: wrong key, or the ciphertext, nonce or associated data were altered.
        case authenticationFailed
        case tooShort
        case library(String)

        public var description: String {
            switch self {
            case .badKey: "AES-256-GCM: der Schlüssel muss 32 Byte lang sein / key must be 32 bytes"
            case .badNonce: "AES-256-GCM: die Nonce muss 12 Byte lang sein / nonce must be 12 bytes"
            case .authenticationFailed: "AES-256-GCM: Prüfwert stimmt nicht (falscher Schlüssel oder veränderte Daten) / authentication failed"
            case .tooShort: "AES-256-GCM: verschlüsselte Daten zu kurz / sealed box too short"
            case let .library(step): "libcrypto: \(step) fehlgeschlagen / failed"
            }
        }
    }

    /// Encrypts `plaintext` with `nonce`; returns the ciphertext and the tag.
    public static func encrypt(_ plaintext: Data, key: Data, nonce: Data, aad: Data = Data()) throws(Failure) -> (ciphertext: Data, tag: Data) {
        guard key.count == keyCount else { throw .badKey }
        guard nonce.count == nonceCount else { throw .badNonce }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .library("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        // Room beyond the text, so that the output pointer is valid also for an empty message (GCM writes no more).
        var ciphertext = Data(count: plaintext.count + tagCount)
        var tag = Data(count: tagCount)
        let step: String? = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                aad.withUnsafeBytes { a in
                    plaintext.withUnsafeBytes { p in
                        ciphertext.withUnsafeMutableBytes { c in
                            tag.withUnsafeMutableBytes { t in
                                // `written` counts the output bytes only (the AAD update reports its own length in `aadLen`).
                                var aadLen: Int32 = 0, written: Int32 = 0, last: Int32 = 0
                                guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1 else { return "EVP_EncryptInit_ex" }
                                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceCount), nil) == 1 else { return "SET_IVLEN" }
                                guard EVP_EncryptInit_ex(ctx, nil, nil, k.bytes, n.bytes) == 1 else { return "EVP_EncryptInit_ex(key)" }
                                if a.count > 0, EVP_EncryptUpdate(ctx, nil, &aadLen, a.bytes, Int32(a.count)) != 1 { return "EVP_EncryptUpdate(aad)" }
                                if p.count > 0, EVP_EncryptUpdate(ctx, c.mutableBytes, &written, p.bytes, Int32(p.count)) != 1 { return "EVP_EncryptUpdate" }
                                guard EVP_EncryptFinal_ex(ctx, c.mutableBytes + Int(written), &last) == 1, Int(written + last) == p.count else {
                                    return "EVP_EncryptFinal_ex"
                                }
                                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagCount), t.baseAddress) == 1 else { return "GET_TAG" }
                                return nil
                            }
                        }
                    }
                }
            }
        }
        if let step { throw .library(step) }
        return (ciphertext.prefix(plaintext.count), tag)
    }

    /// Decrypts and authenticates; throws `.authenticationFailed` when anything was altered or the key is wrong.
    public static func decrypt(_ ciphertext: Data, key: Data, nonce: Data, tag: Data, aad: Data = Data()) throws(Failure) -> Data {
        guard key.count == keyCount else { throw .badKey }
        guard nonce.count == nonceCount else { throw .badNonce }
        guard tag.count == tagCount else { throw .tooShort }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .library("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var plaintext = Data(count: ciphertext.count + tagCount)
        var tagCopy = tag
        let outcome: Failure? = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                aad.withUnsafeBytes { a in
                    ciphertext.withUnsafeBytes { c in
                        plaintext.withUnsafeMutableBytes { p in
                            tagCopy.withUnsafeMutableBytes { t in
                                var aadLen: Int32 = 0, written: Int32 = 0, last: Int32 = 0
                                guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1 else { return .library("EVP_DecryptInit_ex") }
                                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceCount), nil) == 1 else { return .library("SET_IVLEN") }
                                guard EVP_DecryptInit_ex(ctx, nil, nil, k.bytes, n.bytes) == 1 else { return .library("EVP_DecryptInit_ex(key)") }
                                if a.count > 0, EVP_DecryptUpdate(ctx, nil, &aadLen, a.bytes, Int32(a.count)) != 1 { return .library("EVP_DecryptUpdate(aad)") }
                                if c.count > 0, EVP_DecryptUpdate(ctx, p.mutableBytes, &written, c.bytes, Int32(c.count)) != 1 { return .library("EVP_DecryptUpdate") }
                                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagCount), t.baseAddress) == 1 else { return .library("SET_TAG") }
                                guard EVP_DecryptFinal_ex(ctx, p.mutableBytes + Int(written), &last) > 0 else { return .authenticationFailed }
                                return nil
                            }
                        }
                    }
                }
            }
        }
        if let outcome { throw outcome }
        return plaintext.prefix(ciphertext.count)
    }

    /// A sealed box: nonce ‖ ciphertext ‖ tag, with a fresh random nonce.
    public static func seal(_ plaintext: Data, key: Data, aad: Data = Data()) throws(Failure) -> Data {
        let nonce = SecureRandom.bytes(nonceCount)
        let (c, t) = try encrypt(plaintext, key: key, nonce: nonce, aad: aad)
        return nonce + c + t
    }

    /// Opens what `seal` made.
    public static func open(_ box: Data, key: Data, aad: Data = Data()) throws(Failure) -> Data {
        guard box.count >= nonceCount + tagCount else { throw .tooShort }
        let b = Data(box)  // indices from 0
        return try decrypt(
            b.subdata(in: nonceCount..<(b.count - tagCount)), key: key, nonce: b.subdata(in: 0..<nonceCount),
            tag: b.subdata(in: (b.count - tagCount)..<b.count), aad: aad)
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as libcrypto takes them (a valid pointer also for an empty buffer).
    fileprivate var bytes: UnsafePointer<UInt8> {
        baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
    }
}

extension UnsafeMutableRawBufferPointer {
    fileprivate var mutableBytes: UnsafeMutablePointer<UInt8> { baseAddress!.assumingMemoryBound(to: UInt8.self) }
}
