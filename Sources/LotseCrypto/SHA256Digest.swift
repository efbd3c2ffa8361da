import CLibCrypto
import Foundation

/// SHA-256 by the system's libcrypto (`EVP_Digest`): the hash of the event log's chain.
public enum SHA256Digest {
    public static let byteCount = 32

    /// The digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Data {
        var out = Data(count: byteCount)
        var size: UInt32 = 0
        let ok = out.withUnsafeMutableBytes { o in
            EVP_Digest(bytes.baseAddress, bytes.count, o.baseAddress!.assumingMemoryBound(to: UInt8.self), &size, EVP_sha256(), nil)
        }
        // Only fails when libcrypto cannot allocate; a log written without its hash would be worse than stopping.
        precondition(ok == 1 && size == UInt32(byteCount), "libcrypto: SHA-256 failed")
        return out
    }

    public static func hash(_ bytes: some DataProtocol) -> Data {
        let contiguous = Array(bytes)
        return contiguous.withUnsafeBytes { hash($0) }
    }
}

extension Data {
    /// Lower-case hex, two characters per byte.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex (upper or lower case); nil when `hex` is not an even number of hex digits.
    public init?(hexString hex: some StringProtocol) {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = Data(capacity: chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        self = out
    }
}
