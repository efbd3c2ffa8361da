import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseTokens
import Testing

/// Voranmeldung over HTTP: announce, see it live, acknowledge, arrive; override; escalation; scopes.
@Suite struct AnnouncementFlowTests {
    let announce = #"{"hospitalId":"772096","pzc":"421701","flags":["schockraum"],"eta":"2026-11-23T10:35:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#

    @Test func announceAcknowledgeArriveWithTheHospitalWatchingLive() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let port = try #require(client.port)
            let head = try await f.store.head()
            let hospitalStream = try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: ["Authorization": "Bearer \(f.tokens[.hospital]!)"])
            let otherHospital = try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: ["Authorization": "Bearer \(f.otherHospitalToken)"])

            let created = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.crew, idempotencyKey: "ann-1"), body: body(announce))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["announcementId"] as? String)
            #expect(created.json["override"] as? Bool == false)
            // A retry returns the same announcement.
            let retry = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.crew, idempotencyKey: "ann-1"), body: body(announce))
            #expect(retry.status == .ok && retry.json["announcementId"] as? String == id && retry.json["deduplicated"] as? Bool == true)

            // The arrivals board of the hospital shows it, en route.
            let position = try #require(created.json["position"] as? Int)
            let board = try await client.execute(uri: "/v1/announcements?status=announced&minPosition=\(position)", method: .get, headers: f.headers(.hospital))
            let listed = try #require((board.json["announcements"] as? [[String: Any]])?.first)
            #expect(listed["id"] as? String == id && listed["flags"] as? [String] == ["schockraum"] && listed["announcedBy"] as? String == "crew:test-crew")
            let hospital = try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.dispatcher))
            #expect(hospital.json["patientsEnRoute"] as? Int == 1)

            let ack = try await client.execute(uri: "/v1/announcements/\(id)/acknowledgement", method: .post, headers: f.headers(.hospital))
            #expect(ack.status == .ok && ack.json["events"] as? [String] == ["AnnouncementAcknowledged"])
            let twice = try await client.execute(uri: "/v1/announcements/\(id)/acknowledgement", method: .post, headers: f.headers(.hospital))
            #expect(twice.status == .conflict)
            f.clock.advance(minutes: 20)
            let arrived = try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: f.headers(.hospital), body: body("{}"))
            #expect(arrived.status == .ok)
            let one = try await client.execute(uri: "/v1/announcements/\(id)?", method: .get, headers: f.headers(.admin))
            #expect((one.json["announcement"] as? [String: Any])?["status"] as? String == "arrived")

            let seen = await hospitalStream.read { $0.contains("event: PatientArrived") }
            #expect(seen.contains("event: PatientAnnounced") && seen.contains("event: AnnouncementAcknowledged") && seen.contains("event: PatientArrived"))
            // Another hospital does not see this patient; it does see capacity changes.
            _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital), body: body(#"{"beds":{"normal":{"free":3,"operable":9}}}"#))
            let other = await otherHospital.read { $0.contains("event: BedCountsReported") }
            #expect(other.contains("BedCountsReported") && !other.contains("PatientAnnounced"))
            // Nor can it read or acknowledge it.
            var h = f.headers(nil)
            h[.authorization] = "Bearer \(f.otherHospitalToken)"
            #expect(try await client.execute(uri: "/v1/announcements/\(id)", method: .get, headers: h).status == .notFound)
        }
    }

    @Test func announcingToAClosedStrokeUnitNeedsAnOverrideReason() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let closed = try await client.execute(uri: "/v1/hospitals/772096/resources/stroke-unit/closure", method: .put, headers: f.headers(.hospital),
                                                  body: body(#"{"reason":"Personalmangel","until":"2026-11-23T12:00:00Z"}"#))
            let position = try #require(closed.json["position"] as? Int)
            _ = try await client.execute(uri: "/v1/board?minPosition=\(position)", method: .get, headers: f.headers(.admin))
            let refused = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(announce))
            #expect(refused.status == .unprocessableContent && refused.json["field"] as? String == "overrideReason", "\(refused.text)")
            #expect((refused.json["detail"] as? String ?? "").contains("Stroke Unit"))
            let withReason = announce.replacingOccurrences(of: #""district""#, with: #""overrideReason":"Lyse-Fenster, nächste Stroke Unit 60 min","district""#)
            let ok = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(withReason))
            #expect(ok.status == .created && ok.json["override"] as? Bool == true)
            let events = try await f.store.read(after: 0, limit: 100_000)
            let payload = String(decoding: events.last!.payload, as: UTF8.self)
            #expect(payload.contains("\"overriddenResources\":[\"stroke-unit\"]") && payload.contains("Lyse-Fenster"))
            #expect(String(decoding: events.last!.metadata, as: UTF8.self).contains("dispatcher:test-dispatcher"))
        }
    }

    @Test func anUnacknowledgedRedAnnouncementEscalates() async throws {
        let f = try await APIFixture.make(expirySeconds: 0.05)
        try await f.run { client in
            let port = try #require(client.port)
            let dispatcherStream = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(f.tokens[.dispatcher]!)"])
            _ = await dispatcherStream.read { $0.contains("Lotse-Ereignisse") }
            let created = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(announce))
            #expect(created.status == .created)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await f.store.read(after: 0, limit: 100_000).allSatisfy { $0.type != "AnnouncementEscalated" }, "not before the time")
            f.clock.advance(minutes: 2.5)
            let text = await dispatcherStream.read { $0.contains("event: AnnouncementEscalated") }
            #expect(text.contains("event: AnnouncementEscalated") && text.contains("\"principal\":\"system:lotse\""))
            let escalations = try await f.store.read(after: 0, limit: 100_000).filter { $0.type == "AnnouncementEscalated" }
            #expect(escalations.count == 1)
        }
    }

    @Test func scopesBindAnnouncers() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let otherDistrict = announce.replacingOccurrences(of: "Vorpommern-Rügen", with: "Schwerin")
            #expect(try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(otherDistrict)).status == .forbidden)
            let otherUnit = announce.replacingOccurrences(of: "RTW-1", with: "RTW-9")
            #expect(try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.crew), body: body(otherUnit)).status == .forbidden)
            let created = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.admin), body: body(otherUnit))
            let id = try #require(created.json["announcementId"] as? String)
            // The crew of RTW-1 neither sees nor cancels RTW-9's announcement.
            #expect(try await client.execute(uri: "/v1/announcements/\(id)/cancellation", method: .post, headers: f.headers(.crew), body: body(#"{"reason":"x"}"#)).status == .notFound)
            let cancelled = try await client.execute(uri: "/v1/announcements/\(id)/cancellation", method: .post, headers: f.headers(.dispatcher), body: body(#"{"reason":"anderes Ziel"}"#))
            #expect(cancelled.status == .ok)
            // Bad input is named.
            let badPZC = announce.replacingOccurrences(of: "421701", with: "000701")
            let r = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.admin), body: body(badPZC))
            #expect(r.status == .unprocessableContent && r.json["field"] as? String == "pzc")
            let badETA = announce.replacingOccurrences(of: "2026-11-23T10:35:00Z", with: "2026-11-24T10:35:00Z")
            let e = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.admin), body: body(badETA))
            #expect(e.status == .unprocessableContent && e.json["field"] as? String == "eta")
            let badFlag = announce.replacingOccurrences(of: "schockraum", with: "sauna")
            #expect(try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.admin), body: body(badFlag)).status == .badRequest)
        }
    }
}
