import CLibCrypto
import Foundation

/// Random bytes from libcrypto's CSPRNG (`RAND_bytes`): keys and nonces.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> Data {
        var out = Data(count: count)
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        // Without randomness no key may be made; continuing would be the silent failure.
        precondition(ok == 1, "libcrypto: RAND_bytes failed")
        return out
    }
}
