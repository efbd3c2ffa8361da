import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseTelenotarzt
import LotseTokens
import Testing

/// Issue 4's end-to-end case: a crew requests, a physician is offered, accepts, connects, ends; the physician's
/// console (SSE) sees each step; a physician of another centre sees nothing.
@Suite struct TelenotarztFlowTests {
    @Test func crewRequestsPhysicianAcceptsConnectsEndsAndOnlyTheResponsibleCentreWatches() async throws {
        let network = TNANetwork(centres: [
            .init(id: CentreID("TNA-Greifswald"), name: "Greifswald", districts: [DistrictID("Vorpommern-Rügen"), DistrictID("Vorpommern-Greifswald")]),
            .init(id: CentreID("TNA-Schwerin"), name: "Schwerin", districts: [DistrictID("Schwerin")]),
        ])
        let f = try await APIFixture.make(tnaNetwork: network)
        try await f.run { client in
            let port = try #require(client.port)
            let head = try await f.store.head()
            let console = try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: ["Authorization": "Bearer \(f.tokens[.physician]!)"])
            let otherConsole = try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: ["Authorization": "Bearer \(f.otherPhysicianToken)"])
            var otherHeaders = f.headers(nil)
            otherHeaders[.authorization] = "Bearer \(f.otherPhysicianToken)"

            let on = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician), body: body(#"{"maxParallel":1}"#))
            #expect(on.status == .ok && on.json["events"] as? [String] == ["PhysicianSignedOn"], "\(on.text)")
            _ = try await client.execute(uri: "/v1/physicians/dr-schwerin/sign-on", method: .post, headers: otherHeaders, body: body("{}"))

            let req = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                               body: body(#"{"kind":"bridging-until-nef","priority":1,"district":"Vorpommern-Rügen","lat":54.63,"lon":13.22,"pzc":"421701","unit":"RTW-1"}"#))
            #expect(req.status == .created && req.json["events"] as? [String] == ["ConsultationRequested", "ConsultationOffered"], "\(req.text)")
            let id = try #require(req.json["consultationId"] as? String)

            // The other centre's physician can neither see nor take it.
            #expect(try await client.execute(uri: "/v1/consultations/\(id)/acceptance", method: .post, headers: otherHeaders).status == .notFound)
            let live = try await client.execute(uri: "/v1/consultations", method: .get, headers: otherHeaders)
            #expect((live.json["open"] as? [Any])?.isEmpty == true)

            for (step, event) in [("acceptance", "ConsultationAccepted"), ("connection", "ConsultationConnected")] {
                let r = try await client.execute(uri: "/v1/consultations/\(id)/\(step)", method: .post, headers: f.headers(.physician))
                #expect(r.status == .ok && r.json["events"] as? [String] == [event], "\(step): \(r.text)")
                f.clock.advance(minutes: 1)
            }
            let noTarget = try await client.execute(uri: "/v1/consultations/\(id)/end", method: .post, headers: f.headers(.physician),
                                                    body: body(#"{"disposition":"transported-to-hospital"}"#))
            #expect(noTarget.status == .unprocessableContent && noTarget.json["field"] as? String == "destination")
            let end = try await client.execute(uri: "/v1/consultations/\(id)/end", method: .post, headers: f.headers(.physician),
                                               body: body(#"{"disposition":"transported-to-hospital","destination":"771436"}"#))
            #expect(end.status == .ok && end.json["events"] as? [String] == ["ConsultationEnded"])
            #expect(try await client.execute(uri: "/v1/consultations/\(id)/end", method: .post, headers: f.headers(.physician),
                                             body: body(#"{"disposition":"transported-to-hospital"}"#)).status == .conflict)

            // Reading the details needs a reason and is audited; the audit is for admins.
            #expect(try await client.execute(uri: "/v1/consultations/\(id)", method: .get, headers: f.headers(.physician)).status == .badRequest)
            let details = try await client.execute(uri: "/v1/consultations/\(id)?reason=Dokumentation", method: .get, headers: f.headers(.physician))
            #expect(details.status == .ok && details.json["status"] as? String == "ended" && details.json["connectedAt"] != nil && details.json["destination"] as? String == "771436")
            let audit = try await client.execute(uri: "/v1/audit?consultationId=\(id)", method: .get, headers: f.headers(.admin))
            let all = try #require(audit.json["entries"] as? [[String: Any]])
            let entries = all.filter { $0["route"] as? String == "/v1/consultations/{id}" }
            #expect(entries.count == 1 && entries[0]["principal"] as? String == "physician:test-physician" && entries[0]["reason"] as? String == "Dokumentation")
            // The centre's event stream that watched the case is on record as well (issue 14).
            #expect(all.contains { $0["route"] as? String == "/v1/events" }, "\(all)")
            #expect(try await client.execute(uri: "/v1/audit", method: .get, headers: f.headers(.physician)).status == .forbidden)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: f.headers(.admin)).text
            #expect(metrics.contains("lotse_tna_request_to_offer_seconds_count 1") && metrics.contains("lotse_tna_request_to_connected_seconds_count 1"), "\(metrics)")
            #expect(metrics.contains("lotse_tna_queue_length 0"))
            let seen = await console.read { $0.contains("TNA.ConsultationEnded") }
            for type in ["TNA.PhysicianSignedOn", "TNA.ConsultationRequested", "TNA.ConsultationOffered", "TNA.ConsultationAccepted",
                         "TNA.ConsultationConnected", "TNA.ConsultationEnded"] {
                #expect(seen.contains("event: \(type)"), "\(type)")
            }
            // A capacity change reaches every console; the other centre saw no consultation event at all.
            _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital), body: body(#"{"beds":{"normal":{"free":3,"operable":9}}}"#))
            let other = await otherConsole.read { $0.contains("BedCountsReported") }
            #expect(other.contains("BedCountsReported") && !other.contains("TNA.Consultation") && other.contains("TNA.PhysicianSignedOn"))
            #expect(other.contains("dr-schwerin") && !other.contains("test-physician"), "only its own centre's physicians")
        }
    }

    @Test func badRequestsAreProblems() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let bad = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                               body: body(#"{"kind":"crew-advice","priority":7,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#))
            #expect(bad.status == .unprocessableContent && bad.json["field"] as? String == "priority")
            let notServed = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.admin),
                                                     body: body(#"{"kind":"crew-advice","priority":3,"district":"Uckermark","unit":"RTW-1"}"#))
            #expect(notServed.status == .unprocessableContent && notServed.json["field"] as? String == "district")
            let otherUnit = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                                     body: body(#"{"kind":"crew-advice","priority":3,"district":"Vorpommern-Rügen","unit":"RTW-9"}"#))
            #expect(otherUnit.status == .forbidden)
            let notMe = try await client.execute(uri: "/v1/physicians/someone-else/sign-on", method: .post, headers: f.headers(.physician), body: body("{}"))
            #expect(notMe.status == .forbidden)
            let limit = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician), body: body(#"{"maxParallel":5}"#))
            #expect(limit.status == .unprocessableContent && limit.json["field"] as? String == "maxParallel")
        }
    }

    /// A retried request (same Idempotency-Key, e.g. after a dropped connection) answers the first result and writes
    /// nothing: one consultation, not two, and no 409.
    @Test func aRetriedRequestAnswersTheFirstResultAndWritesNothing() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let headers = f.headers(.crew, idempotencyKey: "rtw-1-retry")
            let request = #"{"kind":"crew-advice","priority":3,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#
            let first = try await client.execute(uri: "/v1/consultations", method: .post, headers: headers, body: body(request))
            #expect(first.status == .created, "\(first.text)")
            let head = try await f.store.head()
            let again = try await client.execute(uri: "/v1/consultations", method: .post, headers: headers, body: body(request))
            #expect(again.status == .created, "\(again.text)")
            #expect(again.json["consultationId"] as? String == first.json["consultationId"] as? String)
            #expect(again.json["events"] as? [String] == first.json["events"] as? [String])
            #expect(try await f.store.head() == head)
        }
    }
}
