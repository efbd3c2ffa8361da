/// A point in time in milliseconds since 1970-01-01T00:00:00Z. The core never reads a clock: time is an input.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Int64) { self.millis = seconds * 1000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millis < rhs.millis }

    public func adding(minutes: Double) -> Timestamp { Timestamp(millis: millis + Int64(minutes * 60_000)) }
    public func adding(seconds: Int64) -> Timestamp { Timestamp(millis: millis + seconds * 1000) }

    /// Minutes from `earlier` to `self` (negative if `earlier` is later).
    public func minutes(since earlier: Timestamp) -> Double { Double(millis - earlier.millis) / 60_000 }

    public var description: String { iso8601 }

    /// `2026-11-23T14:30:00.000Z`.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The length of `iso8601`: `2026-11-23T14:30:00.000Z`.
    public static let iso8601Length = 24

    /// Appends `iso8601` digit by digit (without an intermediate `String`).
    public func appendISO8601(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.iso8601Length) { buf in
            writeISO8601(to: buf.baseAddress!)
            bytes.append(contentsOf: buf)
        }
    }

    /// Writes `iso8601` — exactly `iso8601Length` bytes — at `p` (what the JSON writer uses).
    public func writeISO8601(to p: UnsafeMutablePointer<UInt8>) {
        let (days, ms) = millis.floorDivided(by: 86_400_000)
        Self.writeISO8601Date(days: days, to: p)
        Self.writeISO8601Time(millisOfDay: ms, to: p + 11)
    }

    /// `YYYY-MM-DDT` of the day `days` after 1970-01-01 (11 bytes).
    public static func writeISO8601Date(days: Int64, to p: UnsafeMutablePointer<UInt8>) {
        let (y, mo, d) = CivilDate.fromDays(days)
        var i = 0
        func digits(_ v: Int64, _ n: Int) {
            var div: Int64 = 1
            for _ in 1..<n { div *= 10 }
            var x = v
            while div > 0 {
                p[i] = UInt8(48 + (x / div) % 10)
                i += 1
                x %= div
                div /= 10
            }
        }
        digits(y, 4); p[4] = 0x2D; i = 5; digits(mo, 2); p[7] = 0x2D; i = 8; digits(d, 2); p[10] = 0x54
    }

    /// `HH:MM:SS.mmmZ` of `millisOfDay` (0 ..< 86 400 000; 13 bytes).
    @inlinable
    public static func writeISO8601Time(millisOfDay ms: Int64, to p: UnsafeMutablePointer<UInt8>) {
        @inline(__always) func two(_ v: Int64, _ at: Int) {
            p[at] = UInt8(truncatingIfNeeded: 48 + v / 10)
            p[at + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
        }
        let seconds = ms / 1000
        two(seconds / 3600, 0); p[2] = 0x3A; two((seconds / 60) % 60, 3); p[5] = 0x3A; two(seconds % 60, 6)
        let milli = ms % 1000
        p[8] = 0x2E
        p[9] = UInt8(truncatingIfNeeded: 48 + milli / 100)
        two(milli % 100, 10)
        p[12] = 0x5A
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or `±HH:MM`.
    public init?(iso8601 text: String) {
        var text = text
        guard let t = text.withUTF8({ Timestamp(iso8601Bytes: $0) }) else { return nil }
        self = t
    }

    /// `init(iso8601:)` on the text's UTF-8 bytes (the event decoder parses times in place, without a `String`).
    public init?(iso8601Bytes b: UnsafeBufferPointer<UInt8>) {
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 16, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60
        else { return nil }
        var i = 16
        var sec: Int64 = 0, ms: Int64 = 0
        if i < b.count, b[i] == 0x3A {
            guard let s = num(i + 1, 2), s < 60 else { return nil }
            sec = s
            i += 3
            if i < b.count, b[i] == 0x2E {
                i += 1
                var digits = 0
                while i < b.count, (0x30...0x39).contains(b[i]) {
                    if digits < 3 { ms = ms * 10 + Int64(b[i] - 0x30) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { ms *= 10 } }
            }
        }
        var offsetMinutes: Int64 = 0
        if i < b.count, b[i] == 0x5A {
            i += 1
        } else if i < b.count, b[i] == 0x2B || b[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 0x3A, let om = num(i + 4, 2) else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = CivilDate.toDays(y, mo, d)
        millis = ((days * 86_400 + h * 3600 + mi * 60 + sec) - offsetMinutes * 60) * 1000 + ms
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let t = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 time: \(text)")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }
}

func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Int64 {
    /// Quotient and remainder rounding toward minus infinity.
    public func floorDivided(by d: Int64) -> (Int64, Int64) {
        let q = self >= 0 ? self / d : (self - d + 1) / d
        return (q, self - q * d)
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil).
public enum CivilDate {
    public static func toDays(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func fromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// 0 = Sunday.
    public static func weekday(days: Int64) -> Int64 { (days + 4).floorDivided(by: 7).1 }
}
