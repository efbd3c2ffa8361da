import Foundation
import LotseApplication
import LotseDomain
import Testing

/// The hand-written writer's strings and numbers against `JSONEncoder` (sorted keys, slashes not escaped), on random
/// texts: every character that must be escaped at every offset of the eight-byte scan, multi-byte UTF-8 beside it.
struct JSONWriterTests {
    static let alphabet: [String] = ["a", "Z", "7", " ", "/", "\"", "\\", "\n", "\t", "\r", "\u{01}", "\u{1F}", "\u{7F}", "Ä", "€", "🚑", "–", "ß"]

    func encoded(_ s: String) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try e.encode([s]).dropFirst().dropLast())
    }

    @Test func stringsAreWrittenAsJSONEncoderWritesThem() throws {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        for round in 0..<3000 {
            // Mostly plain text, so that an escape falls at any offset of a long string.
            let length = next(40)
            let s = (0..<length).map { _ in next(10) < 8 ? "x" : Self.alphabet[next(Self.alphabet.count)] }.joined()
            var w = JSONWriter()
            w.string(s)
            #expect(w.bytes == (try encoded(s)), "round \(round): \(s.debugDescription)")
        }
    }

    @Test(arguments: [0, 7, -1, 42, -987_654_321, Int.max, Int.min])
    func integersAreDecimal(v: Int) {
        var w = JSONWriter()
        w.int(v)
        #expect(String(decoding: w.bytes, as: UTF8.self) == String(v))
    }

    /// Doubles as `JSONEncoder` writes them: one-decimal values (the fast path), whole ones, and any other.
    @Test func doublesAreWrittenAsJSONEncoderWritesThem() throws {
        let e = JSONEncoder()
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var values: [Double] = [0, -0.5, 0.1, 0.2, 0.3, 1.05, 12.3, -12.3, 99.95, 1e13 + 0.5, 123_456.7, 0.05, 1e-7, 5e15, -3.3, -0.04,
                                9_007_199_254_740_992, -9_007_199_254_740_992, 9_007_199_254_740_994, 1e16, 0.30000000000000004]
        for _ in 0..<20_000 {
            let raw = Double(next()) / Double(1 << 53) * 2000 - 1000
            values.append(raw)
            values.append(raw.rounded(toPlaces: 1))
            values.append(raw.rounded(toPlaces: 2))
        }
        for v in values {
            var w = JSONWriter()
            w.double(v)
            let expected = Array(try e.encode([v]).dropFirst().dropLast())
            #expect(w.bytes == expected, "\(v)")
        }
    }

    /// Times as Foundation's ISO 8601 formatter writes them (with milliseconds), one after another in one writer: days
    /// repeat and change (the writer keeps the last day's date), before 1970 too.
    @Test func timesAreWrittenAsISO8601() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 99
        func next(_ n: Int64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 11) % n
        }
        var w = JSONWriter(capacity: 16)
        var expected: [UInt8] = []
        var millis: Int64 = -5 * 86_400_000
        for i in 0..<5000 {
            // Mostly small steps (the same day again), sometimes a jump of years either way.
            millis += i % 50 == 0 ? next(40 * 365 * 86_400_000) - 20 * 365 * 86_400_000 : next(3_600_000)
            millis = max(millis, -60 * 365 * 86_400_000)
            let t = Timestamp(millis: millis)
            w.element()
            w.timestamp(t)
            expected += Array(",\"\(f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000)))\"".utf8).dropFirst(i == 0 ? 1 : 0)
            #expect(t.iso8601 == f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000)), "\(millis)")
        }
        #expect(w.bytes == expected)
    }
}
