import LotseDomain

/// The one hand-written JSON writer of Lotse, for the hottest outputs: the frequent stored events, their metadata
/// and the dispatch answer. It writes what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes
/// when the caller gives the keys in that order (`"`, `\` and control characters escaped, slashes not): property
/// tests compare both byte for byte.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func field(_ key: String, _ value: (inout JSONWriter) -> Void) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        value(&self)
        needsComma = true
    }

    public mutating func array<T>(_ items: [T], _ each: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            needsComma = false
            each(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A JSON string as `JSONEncoder` writes it: `"` `\` and control characters escaped, slashes and non-ASCII not.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        defer {
            bytes.append(UInt8(ascii: "\""))
            needsComma = true
        }
        // Most strings need no escaping: copy them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            bytes.append(contentsOf: s.utf8)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
            default: bytes.append(b)
            }
        }
    }

    /// A time as a JSON string: `Timestamp.iso8601`, written without an intermediate `String`.
    public mutating func timestamp(_ t: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        t.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func int(_ v: Int) {
        bytes.append(contentsOf: String(v).utf8)
        needsComma = true
    }

    /// Whole numbers without a fraction (as `JSONEncoder` writes them), others in Swift's shortest form.
    public mutating func double(_ v: Double) {
        if v == v.rounded(), abs(v) < 1e15 { bytes.append(contentsOf: String(Int(v)).utf8) } else { bytes.append(contentsOf: String(v).utf8) }
        needsComma = true
    }

    public mutating func bool(_ v: Bool) {
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
        needsComma = true
    }
}
