import Foundation
import LotseDomain
import Testing

struct PZCTests {
    @Test func parsesAllParts() throws {
        let p = try PZC(parsing: "421701")
        #expect(p.rmi.code == "421" && p.age == 70 && p.urgency == .red && p.description == "421701")
        #expect(try PZC(parsing: "332-76-1") == PZC(parsing: "332761"))
        #expect(try PZC(parsing: "222 05 2").age == 5)
        let leadingZeros = try PZC(parsing: "007003")
        #expect(leadingZeros.rmi.code == "007" && leadingZeros.age == 0 && leadingZeros.urgency == .green)
    }

    @Test(arguments: ["42170", "4217011", "42a701", "", "------", "٤٢١٧٠١", "42170\u{0661}", "421701\u{0301}", "421\t701", "４21701"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: PZCError.malformed(text)) { try PZC(parsing: text) }
    }

    @Test func rejectsBadUrgency() {
        #expect(throws: PZCError.urgencyOutOfRange(4)) { try PZC(parsing: "421704") }
        #expect(throws: PZCError.urgencyOutOfRange(0)) { try PZC(parsing: "421700") }
    }
}

struct TimeTests {
    /// The German texts (written byte by byte) against a formatted rendering of their calendar fields, at random
    /// moments of 1990–2060 and on either side of each moment's day.
    @Test func germanTextsMatchTheirFields() {
        var state: UInt64 = 31
        func next(_ n: Int64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 11) % n
        }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        for _ in 0..<5000 {
            let t = Timestamp(millis: 631_152_000_000 + next(70 * 365 * 86_400_000))
            let c = GermanTime.components(t)
            #expect(GermanTime.dateTime(t) == "\(two(c.day)).\(two(c.month)).\(c.year) \(two(c.hour)):\(two(c.minute))")
            let sameDay = Timestamp(millis: t.millis + (c.hour < 12 ? 3_600_000 : -3_600_000))
            #expect(GermanTime.shortTime(t, relativeTo: sameDay) == "\(two(c.hour)):\(two(c.minute))")
            #expect(GermanTime.shortTime(t, relativeTo: t.adding(minutes: 3 * 1440)) == "\(two(c.day)).\(two(c.month)). \(two(c.hour)):\(two(c.minute))")
        }
    }

    @Test func iso8601RoundTrips() {
        for text in ["2026-11-23T14:30:00.000Z", "1999-12-31T23:59:59.999Z", "2024-02-29T00:00:00.000Z"] {
            #expect(Timestamp(iso8601: text)?.iso8601 == text)
        }
        #expect(Timestamp(iso8601: "2026-11-23T15:30:00+01:00") == Timestamp(iso8601: "2026-11-23T14:30:00Z"))
        #expect(Timestamp(iso8601: "2026-11-23T14:30:00.5Z")?.millis == Timestamp(iso8601: "2026-11-23T14:30:00Z")!.millis + 500)
        #expect(Timestamp(iso8601: "2026-11-23T14:30:00.123456Z")?.millis == Timestamp(iso8601: "2026-11-23T14:30:00Z")!.millis + 123)
        #expect(Timestamp(iso8601: "2026-13-01T00:00Z") == nil)
        #expect(Timestamp(iso8601: "gestern") == nil)
    }

    @Test func germanLocalTimeFollowsSummerTime() {
        // Winter: UTC+1; summer: UTC+2; switch on the last Sundays of March and October at 01:00 UTC.
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-11-23T13:30:00Z")!) == "23.11.2026 14:30")
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-07-01T12:00:00Z")!) == "01.07.2026 14:00")
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-03-29T00:59:00Z")!) == "29.03.2026 01:59")
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-03-29T01:00:00Z")!) == "29.03.2026 03:00")
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-10-25T00:59:00Z")!) == "25.10.2026 02:59")
        #expect(GermanTime.dateTime(Timestamp(iso8601: "2026-10-25T01:00:00Z")!) == "25.10.2026 02:00")
        let now = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
        #expect(GermanTime.shortTime(Timestamp(iso8601: "2026-11-23T13:30:00Z")!, relativeTo: now) == "14:30")
        #expect(GermanTime.shortTime(Timestamp(iso8601: "2026-11-24T13:30:00Z")!, relativeTo: now) == "24.11. 14:30")
        #expect(GermanTime.instant(year: 2026, month: 11, day: 23, hour: 14, minute: 30) == Timestamp(iso8601: "2026-11-23T13:30:00Z"))
        #expect(GermanTime.instant(year: 2026, month: 7, day: 1, hour: 14, minute: 0) == Timestamp(iso8601: "2026-07-01T12:00:00Z"))
    }

    @Test func geoValidationAndDistance() {
        #expect(GeoPoint(lat: 91, lon: 0) == nil)
        #expect(GeoPoint(lat: 0, lon: -181) == nil)
        #expect(GeoPoint(lat: .nan, lon: 0) == nil)
        // Rostock – Greifswald ≈ 98 km as the crow flies.
        let d = GeoPoint(lat: 54.0887, lon: 12.1405)!.distanceKm(to: GeoPoint(lat: 54.0931, lon: 13.3879)!)
        #expect(abs(d - 81.5) < 2)
        #expect(GeoPoint(lat: 54, lon: 13)!.distanceKm(to: GeoPoint(lat: 54, lon: 13)!) == 0)
    }

    @Test func ids() {
        #expect(HospitalID("771003") != nil)
        #expect(HospitalID("") == nil)
        #expect(HospitalID("77 10") == nil)
        #expect(HospitalID(String(repeating: "1", count: 33)) == nil)
        #expect(RMI("42") == nil && RMI("4210") == nil && RMI("42x") == nil)
    }
}

struct UUIDTextTests {
    @Test func lowercasedStringIsFoundationsTextLowercased() {
        let fixed = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                     UUID(uuidString: "8C1F0D3E-5B9A-4F7E-9F2C-1D2E3F4A5B6C")!]
        for u in fixed + (0..<2_000).map({ _ in UUID() }) {
            #expect(u.lowercasedString == u.uuidString.lowercased())
        }
        #expect(fixed[2].lowercasedString == "8c1f0d3e-5b9a-4f7e-9f2c-1d2e3f4a5b6c")
    }
}
