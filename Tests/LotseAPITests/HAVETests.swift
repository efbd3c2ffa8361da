import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import Testing

/// The EDXL-HAVE export: EMS traffic from the resources (Advisory with the closure's reason, XML-escaped), the offload
/// time of the patients handed over (and waiting) at the emergency department, the beds; a past moment. (The document
/// is validated against the HAVE 2.0 working-draft schema by `Tests/HAVE/have_validation.py` in CI.)
@Suite struct HAVETests {
    func facility(_ doc: String, _ id: String) -> Substring {
        guard let start = doc.range(of: "<have:facilityID>site-\(id)</have:facilityID>"),
              let end = doc.range(of: "</have:facility>", range: start.upperBound..<doc.endIndex) else { return "" }
        return doc[start.lowerBound..<end.upperBound]
    }

    @Test func trafficOffloadAndBeds() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let initial = try await client.execute(uri: "/v1/export/have", method: .get, headers: f.headers(.hospital))
            #expect(initial.status == .ok && initial.headers[.contentType] == "application/xml")
            let before = facility(initial.text, "772096")
            #expect(before.contains("<have:emsTrafficStatus>Normal</have:emsTrafficStatus>"), "\(before)")
            #expect(!before.contains("emsAmbulanceStatus"), "no hand-overs yet: no offload time claimed")

            _ = try await client.execute(uri: "/v1/hospitals/772096/resources/stroke-unit/closure", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"reason":"CT & MRT <defekt>","until":"2026-11-23T12:30:00Z"}"#))
            _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"beds":{"normal":{"free":0,"operable":10}}}"#))
            let a = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.crew), body: body(
                #"{"hospitalId":"772096","pzc":"421701","overrideReason":"Patient instabil","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#))
            let id = try #require(a.json["announcementId"] as? String, "\(a.text)")
            #expect(try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: f.headers(.crew), body: body("{}")).status == .ok)
            f.clock.advance(minutes: 40)
            let waiting = try await client.execute(uri: "/v1/export/have", method: .get, headers: f.headers(.dispatcher))
            let site = facility(waiting.text, "772096")
            #expect(site.contains("<have:emsTrafficStatus>Advisory</have:emsTrafficStatus>"), "\(site)")
            #expect(site.contains("Stroke Unit: abgemeldet bis") && site.contains("Grund: CT &amp; MRT &lt;defekt&gt;"), "\(site)")
            // Arrived 40 minutes ago, not yet handed over: the wait counts, and it is a delay.
            #expect(site.contains("<have:emsOffloadStatus>Delayed</have:emsOffloadStatus>") && site.contains("<have:emsOffloadMinutes>40</have:emsOffloadMinutes>"), "\(site)")
            #expect(site.contains("<have:serviceTaxonomyKeyValue>normal</have:serviceTaxonomyKeyValue>")
                    && site.contains("<have:availableCount>0</have:availableCount>") && site.contains("<have:baselineCount>10</have:baselineCount>")
                    && site.contains("<have:availability>Full</have:availability>"), "\(site)")
            // Other sites are untouched.
            #expect(facility(waiting.text, "771003").contains("<have:facilityName>"))

            let past = try await client.execute(uri: "/v1/export/have?asOf=\(t0.adding(minutes: 4).iso8601)", method: .get, headers: f.headers(.admin))
            #expect(facility(past.text, "772096").contains("<have:emsTrafficStatus>Normal</have:emsTrafficStatus>"))
            #expect(try await client.execute(uri: "/v1/export/have?asOf=2030-01-01T00:00:00Z", method: .get, headers: f.headers(.admin)).status == .unprocessableContent)
            // Before anything was registered there is no facility, and HAVE has no empty document.
            let empty = try await client.execute(uri: "/v1/export/have?asOf=2026-11-22T00:00:00Z", method: .get, headers: f.headers(.admin))
            #expect(empty.status == .notFound && empty.headers[.contentType] == "application/problem+json")
            #expect(try await client.execute(uri: "/v1/export/have", method: .get, headers: f.headers(nil)).status == .unauthorized)
        }
    }

    @Test func unknownIsNeverNormal() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            f.clock.advance(minutes: 13 * 60)
            let doc = try await client.execute(uri: "/v1/export/have", method: .get, headers: f.headers(.dispatcher)).text
            let site = facility(doc, "772096")
            #expect(!site.contains("<have:emsTrafficStatus>") && site.contains("Status unbekannt"), "\(site)")
            // Every status and every bed report is older than the TTL: nothing is available, no bed capacity claimed.
            #expect(!doc.contains("<have:emsTrafficStatus>Normal</have:emsTrafficStatus>") && !doc.contains("<have:isAvailable>true</have:isAvailable>"))
            #expect(!doc.contains("serviceBedCapacity") && doc.contains("Bettenkategorien") && doc.contains("unbekannt: letzte Meldung"))
        }
    }
}
