import LotseDomain

/// The one hand-written JSON writer of Lotse, for the hottest outputs: the frequent stored events, their metadata
/// and the dispatch answer. It writes what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes
/// when the caller gives the keys in that order (`"`, `\` and control characters escaped, slashes not): property
/// tests compare both byte for byte.
///
/// It writes into memory of its own (not copyable, freed at its end): an `Array` checks that it is uniquely
/// referenced and generic `append(contentsOf:)` dispatches on every call — together ≈ 12 % of the dispatch route's
/// answer in its profile (issue 16). Keys are `StaticString`s, copied without a scan (keys never need escaping; a
/// key that would is refused in debug builds). Its methods are `@inlinable`: callers live in other modules, and
/// unspecialised the generic `array` and the closures cost a run-time metadata look-up per call.
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    @usableFromInline var needsComma = false
    /// The day of `cachedDate` (`YYYY-MM-DDT`, 11 bytes in 16).
    @usableFromInline var cachedDay = Int64.min
    @usableFromInline var cachedDate: (UInt64, UInt64) = (0, 0)

    @inlinable
    public init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The document written so far (a copy).
    @inlinable public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The document written so far, without a copy (valid inside `body` only).
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Room for `n` more bytes; returns where they go. The caller writes exactly `n` bytes there.
    @inlinable
    mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        let p = base + count
        count += n
        return p
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    @inlinable
    mutating func byte(_ b: UInt8) { reserve(1).pointee = b }

    @inlinable
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count).update(from: from, count: bytes.count)
    }

    /// Bytes written as they are: a preformatted piece of JSON that is valid where it is put (the caller's promise;
    /// the dispatch answer's fixed parts, written once at start-up). Sets what follows as after a value.
    @inlinable
    public mutating func preformatted(_ bytes: UnsafeRawBufferPointer) {
        raw(bytes.assumingMemoryBound(to: UInt8.self))
        needsComma = true
    }

    /// A short copy without a call to `memmove` (keys and small pieces are a few bytes).
    @inlinable
    static func copy(_ from: UnsafePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ n: Int) {
        if n > 24 { to.update(from: from, count: n); return }
        var i = 0
        while i < n { to[i] = from[i]; i += 1 }
    }

    @inlinable
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        byte(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        byte(UInt8(ascii: "}"))
        needsComma = true
    }

    /// A field with a key known at compile time (the usual case): its bytes are copied as they are.
    @inlinable
    public mutating func field(_ key: StaticString, _ value: (inout JSONWriter) -> Void) {
        self.key(key)
        value(&self)
        needsComma = true
    }

    /// A field whose key is only known at run time (escaped as any string).
    @inlinable
    public mutating func field(named key: String, _ value: (inout JSONWriter) -> Void) {
        self.key(named: key)
        value(&self)
        needsComma = true
    }

    // The flat form, for the hottest documents (no closure per field): `beginObject()`, then `key(_:)` and a value
    // per field, `endObject()`; in an array, `element()` before each item.

    @inlinable
    public mutating func beginObject() {
        byte(UInt8(ascii: "{"))
        needsComma = false
    }

    @inlinable
    public mutating func endObject() {
        byte(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func beginArray() {
        byte(UInt8(ascii: "["))
        needsComma = false
    }

    @inlinable
    public mutating func endArray() {
        byte(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Before each item of an array written with `beginArray()`.
    @inlinable
    public mutating func element() {
        if needsComma { byte(UInt8(ascii: ",")) }
        needsComma = false
    }

    /// A key known at compile time, then its value follows.
    @inlinable
    public mutating func key(_ key: StaticString) {
        assert(key.hasPointerRepresentation && key.withUTF8Buffer { Self.isPlain($0) }, "a JSON key that needs escaping")
        let n = key.utf8CodeUnitCount
        let p = reserve(n + (needsComma ? 4 : 3))
        var i = 0
        if needsComma { p[0] = UInt8(ascii: ","); i = 1 }
        p[i] = UInt8(ascii: "\"")
        Self.copy(key.utf8Start, p + i + 1, n)
        p[i + n + 1] = UInt8(ascii: "\"")
        p[i + n + 2] = UInt8(ascii: ":")
        needsComma = false
    }

    /// A key only known at run time (escaped as any string), then its value follows.
    @inlinable
    public mutating func key(named key: String) {
        if needsComma { byte(UInt8(ascii: ",")) }
        string(key)
        byte(UInt8(ascii: ":"))
        needsComma = false
    }

    @inlinable
    public mutating func array<T>(_ items: [T], _ each: (inout JSONWriter, T) -> Void) {
        byte(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            needsComma = false
            each(&self, item)
        }
        byte(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A JSON string as `JSONEncoder` writes it: `"` `\` and control characters escaped, slashes and non-ASCII not.
    @inlinable
    public mutating func string(_ s: String) {
        // Native strings hand out their bytes without a copy of the `String` (no retain).
        if s.utf8.withContiguousStorageIfAvailable({ plainString($0) }) != true {
            var s = s
            s.withUTF8 { utf8 in
                if !plainString(utf8) {
                    byte(UInt8(ascii: "\""))
                    escaped(utf8)
                    byte(UInt8(ascii: "\""))
                }
            }
        }
        needsComma = true
    }

    /// Writes `utf8` as a string if no byte needs escaping (most strings: copied whole); false otherwise.
    @inlinable
    mutating func plainString(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Self.isPlain(utf8) else { return false }
        let p = reserve(utf8.count + 2)
        p[0] = UInt8(ascii: "\"")
        if let from = utf8.baseAddress { Self.copy(from, p + 1, utf8.count) }
        p[utf8.count + 1] = UInt8(ascii: "\"")
        return true
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
        let hex: StaticString = "0123456789abcdef"
        for b in utf8 {
            switch b {
            case 0x22: two(0x5C, 0x22)
            case 0x5C: two(0x5C, 0x5C)
            case 0x0A: two(0x5C, UInt8(ascii: "n"))
            case 0x0D: two(0x5C, UInt8(ascii: "r"))
            case 0x09: two(0x5C, UInt8(ascii: "t"))
            case 0x08: two(0x5C, UInt8(ascii: "b"))
            case 0x0C: two(0x5C, UInt8(ascii: "f"))
            case 0x00..<0x20:
                let p = reserve(6)
                p[0] = 0x5C; p[1] = UInt8(ascii: "u"); p[2] = UInt8(ascii: "0"); p[3] = UInt8(ascii: "0")
                p[4] = hex.utf8Start[Int(b >> 4)]; p[5] = hex.utf8Start[Int(b & 0x0F)]
            default: byte(b)
            }
        }
    }

    @usableFromInline
    mutating func two(_ a: UInt8, _ b: UInt8) {
        let p = reserve(2)
        p[0] = a
        p[1] = b
    }

    /// A time as a JSON string: `Timestamp.iso8601`, written in place. The date part of the last day written is
    /// kept: the times of one document are mostly of one or two days (the calendar arithmetic was ≈ 5 % of the
    /// dispatch answer).
    @inlinable
    public mutating func timestamp(_ t: Timestamp) {
        let p = reserve(Timestamp.iso8601Length + 2)
        p[0] = UInt8(ascii: "\"")
        let (days, ms) = t.millis.floorDivided(by: 86_400_000)
        if days != cachedDay {
            cachedDay = days
            withUnsafeMutableBytes(of: &cachedDate) { Timestamp.writeISO8601Date(days: days, to: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        }
        withUnsafeBytes(of: cachedDate) { Self.copy($0.baseAddress!.assumingMemoryBound(to: UInt8.self), p + 1, 11) }
        Timestamp.writeISO8601Time(millisOfDay: ms, to: p + 12)
        p[Timestamp.iso8601Length + 1] = UInt8(ascii: "\"")
        needsComma = true
    }

    /// Decimal digits in place.
    @inlinable
    public mutating func int(_ v: Int) {
        var m = v.magnitude
        var n = 1
        var t = m
        while t >= 10 { t /= 10; n += 1 }
        let sign = v < 0 ? 1 : 0
        let p = reserve(n + sign)
        if sign == 1 { p[0] = UInt8(ascii: "-") }
        var i = n + sign - 1
        repeat {
            p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: m % 10)
            m /= 10
            i -= 1
        } while m > 0
        needsComma = true
    }

    /// Whole numbers up to 2^53 without a fraction (as `JSONEncoder` writes them, `-0` too), others in Swift's shortest form. Numbers with
    /// one decimal (the answer's minutes and kilometres) are written digit by digit: when `v` is the double nearest
    /// to k/10, `k/10` with one decimal is its shortest form (`String(v)` costs ≈ 100 ns).
    @inlinable
    public mutating func double(_ v: Double) {
        // Whole numbers: an exact round trip through Int (|v| < 2^63 first, so the conversion cannot trap).
        if abs(v) <= 9_007_199_254_740_992, Double(Int(v)) == v {
            if v == 0, v.sign == .minus { byte(UInt8(ascii: "-")) }
            int(Int(v))
            return
        }
        // One decimal: k = v·10 rounded half away from zero (as `rounded()`), accepted only if k/10 is v again.
        let t = v * 10
        if abs(t) < 1e14 {
            let k = Int(t + (t < 0 ? -0.5 : 0.5))
            if Double(k) / 10 == v {
                if k < 0 { byte(UInt8(ascii: "-")) }
                int(abs(k) / 10)
                two(UInt8(ascii: "."), UInt8(ascii: "0") + UInt8(abs(k) % 10))
                needsComma = true
                return
            }
        }
        var s = String(v)
        s.withUTF8 { raw($0) }
        needsComma = true
    }

    @inlinable
    public mutating func bool(_ v: Bool) {
        let s: StaticString = v ? "true" : "false"
        raw(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        needsComma = true
    }
}
