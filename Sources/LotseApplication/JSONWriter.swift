import LotseDomain

/// The one hand-written JSON writer of Lotse, for the hottest outputs: the frequent stored events, their metadata
/// and the dispatch answer. It writes what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes
/// when the caller gives the keys in that order (`"`, `\` and control characters escaped, slashes not): property
/// tests compare both byte for byte.
///
/// Its methods are `@inlinable`: callers live in other modules, and unspecialised the generic `array` and the
/// closures cost a run-time metadata look-up per call (measured in the dispatch route's profile, issue 16).
public struct JSONWriter {
    @usableFromInline var storage: [UInt8] = []
    @usableFromInline var needsComma = false

    /// The document written so far.
    @inlinable public var bytes: [UInt8] { storage }

    @inlinable
    public init(capacity: Int = 256) { storage.reserveCapacity(capacity) }

    @inlinable
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        storage.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        storage.append(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func field(_ key: String, _ value: (inout JSONWriter) -> Void) {
        if needsComma { storage.append(UInt8(ascii: ",")) }
        string(key)
        storage.append(UInt8(ascii: ":"))
        needsComma = false
        value(&self)
        needsComma = true
    }

    @inlinable
    public mutating func array<T>(_ items: [T], _ each: (inout JSONWriter, T) -> Void) {
        storage.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { storage.append(UInt8(ascii: ",")) }
            first = false
            needsComma = false
            each(&self, item)
        }
        storage.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A JSON string as `JSONEncoder` writes it: `"` `\` and control characters escaped, slashes and non-ASCII not.
    @inlinable
    public mutating func string(_ s: String) {
        storage.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings need no escaping: copy them whole.
            if Self.isPlain(utf8) { storage.append(contentsOf: utf8) } else { escaped(utf8) }
        }
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Whether no byte needs escaping (`"`, `\`, below 0x20), eight bytes at a time: a byte below 0x20 or equal to
    /// one of the two sets the high bit of its lane in `(v − 0x01…) & ~v & 0x80…` (exact for bytes ≥ 0x80 too).
    @inlinable
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        var i = 0
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= utf8.count {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if (v &- ones &* 0x20) & ~v & highs != 0 || zeroByte(v ^ (ones &* 0x22)) || zeroByte(v ^ (ones &* 0x5C)) { return false }
                i += 8
            }
        }
        while i < utf8.count {
            let b = utf8[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return false }
            i += 1
        }
        return true
    }

    @usableFromInline
    mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        for b in utf8 {
            switch b {
            case 0x22: storage.append(contentsOf: [0x5C, 0x22])
            case 0x5C: storage.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: storage.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: storage.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: storage.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: storage.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: storage.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                storage.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
            default: storage.append(b)
            }
        }
    }

    /// A time as a JSON string: `Timestamp.iso8601`, written without an intermediate `String`.
    @inlinable
    public mutating func timestamp(_ t: Timestamp) {
        storage.append(UInt8(ascii: "\""))
        t.appendISO8601(to: &storage)
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Decimal digits without an intermediate `String`.
    @inlinable
    public mutating func int(_ v: Int) {
        if v < 0 { storage.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[19 - n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m > 0
            storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(20 - n)...]))
        }
        needsComma = true
    }

    /// Whole numbers up to 2^53 without a fraction (as `JSONEncoder` writes them, `-0` too), others in Swift's shortest form. Numbers with
    /// one decimal (the answer's minutes and kilometres) are written digit by digit: when `v` is the double nearest
    /// to k/10, `k/10` with one decimal is its shortest form (`String(v)` costs ≈ 100 ns).
    @inlinable
    public mutating func double(_ v: Double) {
        if v == v.rounded(), abs(v) <= 9_007_199_254_740_992 {
            if v == 0, v.sign == .minus { storage.append(UInt8(ascii: "-")) }
            int(Int(v))
            return
        }
        let tenths = (v * 10).rounded()
        if abs(tenths) < 1e14, Double(Int(tenths)) / 10 == v {
            let k = Int(tenths)
            if k < 0 { storage.append(UInt8(ascii: "-")) }
            int(abs(k) / 10)
            storage.append(UInt8(ascii: "."))
            storage.append(UInt8(ascii: "0") + UInt8(abs(k) % 10))
        } else {
            storage.append(contentsOf: String(v).utf8)
        }
        needsComma = true
    }

    @inlinable
    public mutating func bool(_ v: Bool) {
        storage.append(contentsOf: (v ? "true" : "false").utf8)
        needsComma = true
    }
}
