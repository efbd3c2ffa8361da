import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseTelenotarzt
import LotseTokens
import Testing

/// What the crew page needs from the API (issue 13): its own Telenotarzt requests with their live state, and reporting
/// the arrival of the patient it announced.
@Suite struct CrewTests {
    @Test func aCrewFollowsItsOwnRequestFromTheQueueToThePhysicianWhoTookIt() async throws {
        let network = TNANetwork(centres: [
            .init(id: CentreID("TNA-Greifswald"), name: "Telenotarzt-Zentrale Greifswald", districts: [DistrictID("Vorpommern-Rügen")], phone: "+49 3834 000-0"),
        ])
        let f = try await APIFixture.make(tnaNetwork: network)
        let otherCrew = try await f.issuer.issue(subject: "rtw-2", role: .crew, scope: ["RTW-2"], ttlSeconds: 3600)
        try await f.run { client in
            let req = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                               body: body(#"{"kind":"crew-advice","priority":2,"district":"Vorpommern-Rügen","unit":"RTW-1","note":"Thoraxschmerz, 68 J."}"#))
            #expect(req.status == .created, "\(req.text)")
            let id = try #require(req.json["consultationId"] as? String)
            func mine() async throws -> [String: Any] {
                let r = try await client.execute(uri: "/v1/units/RTW-1/consultations", method: .get, headers: f.headers(.crew))
                #expect(r.status == .ok, "\(r.text)")
                return try #require((r.json["consultations"] as? [[String: Any]])?.first)
            }
            // Nobody on duty: waiting, first in the queue, with the crew's note.
            f.clock.advance(minutes: 1)
            var v = try await mine()
            let c = try #require(v["consultation"] as? [String: Any])
            #expect(c["status"] as? String == "waiting" && v["queuePosition"] as? Int == 1 && v["queueLength"] as? Int == 1)
            #expect((v["waitingSeconds"] as? Int ?? 0) >= 60)
            #expect((c["request"] as? [String: Any])?["note"] as? String == "Thoraxschmerz, 68 J.")
            // A physician signs on, gets the offer and accepts: the crew sees who, and the number to call back.
            _ = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician), body: body("{}"))
            let accepted = try await client.execute(uri: "/v1/consultations/\(id)/acceptance", method: .post, headers: f.headers(.physician))
            #expect(accepted.status == .ok, "\(accepted.text)")
            v = try await mine()
            #expect((v["consultation"] as? [String: Any])?["status"] as? String == "accepted" && v["queuePosition"] == nil)
            let doc = try #require(v["physician"] as? [String: Any])
            #expect(doc["id"] as? String == "test-physician" && doc["phone"] as? String == "+49 3834 000-0"
                    && doc["centreName"] as? String == "Telenotarzt-Zentrale Greifswald")

            // The free text goes back to the unit's own crew only; a dispatcher reads it on the audited detail route.
            let asDispatcher = try await client.execute(uri: "/v1/units/RTW-1/consultations", method: .get, headers: f.headers(.dispatcher))
            let seen = try #require((asDispatcher.json["consultations"] as? [[String: Any]])?.first?["consultation"] as? [String: Any])
            #expect((seen["request"] as? [String: Any])?["note"] == nil && (seen["request"] as? [String: Any])?["unit"] as? String == "RTW-1")

            // Another unit's crew sees neither the list nor the request; a note too long is refused.
            var other = f.headers(nil)
            other[.authorization] = "Bearer \(otherCrew)"
            #expect(try await client.execute(uri: "/v1/units/RTW-1/consultations", method: .get, headers: other).status == .forbidden)
            let own = try await client.execute(uri: "/v1/units/RTW-2/consultations", method: .get, headers: other)
            #expect((own.json["consultations"] as? [Any])?.isEmpty == true)
            let long = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                                body: body(#"{"kind":"crew-advice","priority":3,"district":"Vorpommern-Rügen","unit":"RTW-1","note":"\#(String(repeating: "x", count: 201))"}"#))
            #expect(long.status == .unprocessableContent && long.json["field"] as? String == "note")
        }
    }

    @Test func theAnnouncingCrewReportsTheArrival() async throws {
        let f = try await APIFixture.make()
        let otherCrew = try await f.issuer.issue(subject: "rtw-2", role: .crew, scope: ["RTW-2"], ttlSeconds: 3600)
        try await f.run { client in
            let a = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.crew),
                                             body: body(#"{"hospitalId":"772096","pzc":"421701","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#))
            let id = try #require(a.json["announcementId"] as? String, "\(a.text)")
            var other = f.headers(nil)
            other[.authorization] = "Bearer \(otherCrew)"
            #expect(try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: other, body: body("{}")).status == .notFound)
            // The crew may not declare the hand-over; it reports the arrival, the hospital the hand-over.
            let claim = try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: f.headers(.crew),
                                                 body: body(#"{"handoverAt":"2026-11-23T10:05:00Z"}"#))
            #expect(claim.status == .unprocessableContent && claim.json["field"] as? String == "handoverAt")
            let ahead = try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: f.headers(.crew),
                                                 body: body(#"{"arrivedAt":"2026-11-23T11:00:00Z"}"#))
            #expect(ahead.status == .unprocessableContent && ahead.json["field"] as? String == "arrivedAt", "\(ahead.text)")
            #expect(try await client.execute(uri: "/v1/announcements/\(id)/handover", method: .post, headers: f.headers(.hospital), body: body("{}")).status == .conflict)
            let arrived = try await client.execute(uri: "/v1/announcements/\(id)/arrival", method: .post, headers: f.headers(.crew), body: body("{}"))
            #expect(arrived.status == .ok && arrived.json["events"] as? [String] == ["PatientArrived"], "\(arrived.text)")
            f.clock.advance(minutes: 14)
            #expect(try await client.execute(uri: "/v1/announcements/\(id)/handover", method: .post, headers: f.headers(.crew), body: body("{}")).status == .forbidden)
            let handover = try await client.execute(uri: "/v1/announcements/\(id)/handover", method: .post, headers: f.headers(.hospital), body: body("{}"))
            #expect(handover.status == .ok && handover.json["events"] as? [String] == ["PatientHandedOver"], "\(handover.text)")
            let view = try await client.execute(uri: "/v1/announcements/\(id)", method: .get, headers: f.headers(.crew))
            let state = try #require(view.json["announcement"] as? [String: Any])
            #expect(state["arrivedAt"] as? String == "2026-11-23T10:05:00.000Z" && state["handoverAt"] as? String == "2026-11-23T10:19:00.000Z", "\(state)")
            let stored = try await f.store.read(after: 0, limit: 100_000).last { $0.type == "PatientHandedOver" }
            #expect(String(decoding: try #require(stored).payload, as: UTF8.self).contains("\"offloadMinutes\":14"))
        }
    }
}
