/// Local time in Germany (Europe/Berlin: CET, CEST from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC), computed without a time-zone database so answers are reproducible.
public enum GermanTime {
    /// Offset from UTC in milliseconds at `t`.
    public static func offsetMillis(at t: Timestamp) -> Int64 {
        let (days, _) = t.millis.floorDivided(by: 86_400_000)
        let year = CivilDate.fromDays(days).0
        let start = lastSunday(year: year, month: 3) * 86_400_000 + 3_600_000
        let end = lastSunday(year: year, month: 10) * 86_400_000 + 3_600_000
        return (t.millis >= start && t.millis < end) ? 7_200_000 : 3_600_000
    }

    static func lastSunday(year: Int64, month: Int64) -> Int64 {
        let last = CivilDate.toDays(year, month + 1, 1) - 1
        return last - CivilDate.weekday(days: last)
    }

    /// Local calendar fields of `t`.
    public static func components(_ t: Timestamp) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let local = t.millis + offsetMillis(at: t)
        let (days, ms) = local.floorDivided(by: 86_400_000)
        let (y, m, d) = CivilDate.fromDays(days)
        return (Int(y), Int(m), Int(d), Int(ms / 3_600_000), Int((ms / 60_000) % 60))
    }

    /// `14:30` when `t` is on the same local day as `reference`, else `24.11. 14:30`.
    public static func shortTime(_ t: Timestamp, relativeTo reference: Timestamp) -> String {
        let c = components(t), r = components(reference)
        if c.year == r.year, c.month == r.month, c.day == r.day {
            return digits(5) { b in two(c.hour, b, 0); b[2] = colon; two(c.minute, b, 3) }
        }
        return digits(12) { b in
            two(c.day, b, 0); b[2] = dot; two(c.month, b, 3); b[5] = dot; b[6] = space; two(c.hour, b, 7); b[9] = colon; two(c.minute, b, 10)
        }
    }

    /// `23.11.2026 14:30`.
    public static func dateTime(_ t: Timestamp) -> String {
        if let text = digits(16, { writeDateTime(t, $0) }) { return text }
        let c = components(t)
        return "\(pad(Int64(c.day), 2)).\(pad(Int64(c.month), 2)).\(c.year) \(pad(Int64(c.hour), 2)):\(pad(Int64(c.minute), 2))"
    }

    /// `dateTime(t)` written into the first 16 bytes of `b` (for texts written in one piece), or false for a year
    /// outside 1000–9999 (its text is longer; nothing written).
    public static func writeDateTime(_ t: Timestamp, _ b: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let c = components(t)
        guard (1000...9999).contains(c.year), b.count >= 16 else { return false }
        two(c.day, b, 0); b[2] = dot; two(c.month, b, 3); b[5] = dot
        two(c.year / 100, b, 6); two(c.year % 100, b, 8); b[10] = space; two(c.hour, b, 11); b[13] = colon; two(c.minute, b, 14)
        return true
    }

    // The texts above are written byte by byte (the dispatch answer's reasons carry one per stale resource).
    private static let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")

    private static func digits(_ count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { b in
            fill(b)
            return count
        }
    }

    /// The text `fill` writes into `count` bytes, or nil when it writes nothing (returns false).
    private static func digits(_ count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Bool) -> String? {
        var written = false
        let text = String(unsafeUninitializedCapacity: count) { b in
            written = fill(b)
            return written ? count : 0
        }
        return written ? text : nil
    }

    /// Two decimal digits of `v` (0–99) at `at`.
    private static func two(_ v: Int, _ b: UnsafeMutableBufferPointer<UInt8>, _ at: Int) {
        b[at] = UInt8(truncatingIfNeeded: 48 + v / 10)
        b[at + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
    }

    /// The UTC instant of a local wall-clock time (for the hour that exists twice in October, the first).
    public static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int) -> Timestamp {
        let naive = (CivilDate.toDays(Int64(year), Int64(month), Int64(day)) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60) * 1000
        let guess = Timestamp(millis: naive - 3_600_000)
        return Timestamp(millis: naive - offsetMillis(at: Timestamp(millis: naive - offsetMillis(at: guess))))
    }
}
