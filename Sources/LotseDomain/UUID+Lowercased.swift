import Foundation

extension UUID {
    /// The UUID as lowercase hex with dashes (`uuidString.lowercased()`), written in place: a fresh correlation id per
    /// command is on the command path, and `uuidString` formats through `snprintf` before the lowercasing copies it.
    public var lowercasedString: String {
        let u = uuid
        return withUnsafeBytes(of: u) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                let hex: StaticString = "0123456789abcdef"
                var o = 0
                for (i, b) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hex.utf8Start[Int(b >> 4)]
                    out[o + 1] = hex.utf8Start[Int(b & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }
}
