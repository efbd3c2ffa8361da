import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseEventStore
import LotseMANV
import LotseSeed
import LotseTokens
import Testing

/// MANV over the API (issue 18): a Leitstelle opens an incident near Bergen auf Rügen, two hospitals answer, Lotse
/// plans, the dispatcher confirms, a crew transports — the announcement reaches the hospital; bad input is refused
/// naming the field with nothing written; a hospital that did not answer by the deadline is unknown, never planned on;
/// re-planning keeps the patients en route.
@Suite struct MANVAPITests {
    static let incident = #"""
        {"district":"Vorpommern-Rügen","label":"Busunfall B96 bei Bergen","lat":54.42,"lon":13.43,"answerMinutes":10,
         "patients":[{"category":"red","count":3},{"category":"yellow","count":4},{"category":"green","count":6}]}
        """#
    static let bergen = "772096", stralsund = "771436"

    func view(_ client: any TestClientProtocol, _ f: APIFixture, _ id: String, as headers: HTTPFields) async throws -> [String: Any] {
        let r = try await client.execute(uri: "/v1/manv/incidents/\(id)", method: .get, headers: headers)
        #expect(r.status == .ok, "\(r.text)")
        return r.json
    }

    func hospitals(_ v: [String: Any]) -> [String: [String: Any]] {
        Dictionary((v["hospitals"] as? [[String: Any]] ?? []).map { ($0["hospitalId"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func count(_ c: Any?, _ k: String) -> Int { (c as? [String: Any])?[k] as? Int ?? -1 }

    /// The other hospital's token (771436, Stralsund) as headers.
    func stralsund(_ f: APIFixture) -> HTTPFields {
        var h = f.headers(nil)
        h[.authorization] = "Bearer \(f.otherHospitalToken)"
        return h
    }

    @Test func openAnswerPlanConfirmTransport() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            #expect(opened.status == .created, "\(opened.text)")
            let id = try #require(opened.json["incidentId"] as? String)
            var v = try await view(client, f, id, as: f.headers(.dispatcher))
            let asked = hospitals(v)
            #expect(asked[Self.bergen] != nil && asked[Self.stralsund] != nil, "asked: \(asked.keys.sorted())")
            #expect(asked.values.allSatisfy { $0["answer"] as? String == "pending" })
            #expect(count(v["onScene"], "red") == 3 && count(v["patients"], "green") == 6)
            // Every asked hospital has an emergency department and is within reach.
            let reach = try #require(v["reachMinutes"] as? Double)
            #expect(asked.values.allSatisfy { ($0["driveMinutes"] as? Double ?? 999) <= reach })

            // Both hospitals answer on their pages.
            let a1 = try await client.execute(uri: "/v1/manv/incidents/\(id)/acceptance/\(Self.bergen)", method: .put, headers: f.headers(.hospital),
                                              body: body(#"{"firstHour":{"red":1,"yellow":2,"green":4}}"#))
            #expect(a1.status == .ok && (a1.json["events"] as? [String]) == ["MANV.AcceptanceReported"], "\(a1.text)")
            let a2 = try await client.execute(uri: "/v1/manv/incidents/\(id)/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                              body: body(#"{"firstHour":{"red":3,"yellow":3,"green":5},"surge":{"red":2,"yellow":2,"green":10}}"#))
            #expect(a2.status == .ok, "\(a2.text)")
            // The same answer again writes nothing.
            let again = try await client.execute(uri: "/v1/manv/incidents/\(id)/acceptance/\(Self.bergen)", method: .put, headers: f.headers(.hospital),
                                                 body: body(#"{"firstHour":{"red":1,"yellow":2,"green":4}}"#))
            #expect(again.status == .ok && (again.json["events"] as? [String])?.isEmpty == true)

            // A hospital sees its own part only; the surge of its bed report is beside its answer.
            let beds = try await client.execute(uri: "/v1/hospitals/\(Self.bergen)/beds", method: .put, headers: f.headers(.hospital), body: body(
                #"{"beds":{"normal":{"free":3,"operable":10,"additional24h":4,"additional72h":9},"icu-high-care":{"free":0,"operable":4,"additional24h":1}}}"#))
            #expect(beds.status == .ok, "\(beds.text)")
            let minPosition = beds.json["position"] as? Int ?? 0
            let mine = try await client.execute(uri: "/v1/manv/incidents/\(id)?minPosition=\(minPosition)", method: .get, headers: f.headers(.hospital)).json
            #expect(Set(hospitals(mine).keys) == [Self.bergen])
            #expect(hospitals(mine)[Self.bergen]?["bedsAdditional24h"] as? Int == 5 && hospitals(mine)[Self.bergen]?["bedsAdditional72h"] as? Int == 9)
            #expect(hospitals(mine)[Self.bergen]?["surge"] as? [String: Int] == ["red": 0, "yellow": 0, "green": 0])

            // Lotse's plan: SK I first, never over a count, nobody planned on a hospital without an answer.
            let planned = try await client.execute(uri: "/v1/manv/incidents/\(id)/plans", method: .post, headers: f.headers(.dispatcher))
            #expect(planned.status == .created, "\(planned.text)")
            #expect(planned.json["planNumber"] as? Int == 1)
            v = try await view(client, f, id, as: f.headers(.dispatcher))
            let plan = try #require(v["plan"] as? [String: Any])
            let lines = plan["assignments"] as? [[String: Any]] ?? []
            var per: [String: [String: Int]] = [:]
            for l in lines { per[l["hospitalId"] as! String, default: [:]][l["category"] as! String, default: 0] += l["patients"] as! Int }
            #expect(Set(per.keys).isSubset(of: [Self.bergen, Self.stralsund]))
            #expect(per[Self.bergen, default: [:]]["red", default: 0] <= 1 && per[Self.stralsund, default: [:]]["red", default: 0] <= 3)
            #expect(per.values.map { $0["red", default: 0] }.reduce(0, +) == 3, "all SK I placed: \(per)")
            #expect(per.values.map { $0["green", default: 0] }.reduce(0, +) == 6)
            #expect((plan["unplaced"] as? [Any])?.isEmpty == true)
            let without = Set(plan["withoutAnswer"] as? [String] ?? [])
            #expect(!without.contains(Self.bergen) && without.count == asked.count - 2)
            #expect(plan["confirmed"] as? Bool == false)
            let explanation = hospitals(v)[Self.bergen]?["explanation"] as? String ?? ""
            #expect(explanation.hasPrefix("Geplant"), "\(explanation)")

            // Transport before the confirmation: refused, no announcement.
            let greenTo = try #require(lines.first { $0["category"] as? String == "green" }?["hospitalId"] as? String)
            let transport = #"{"hospitalId":"\#(greenTo)","category":"green","pzc":"219403","unit":"RTW-1"}"#
            let early = try await client.execute(uri: "/v1/manv/incidents/\(id)/transports", method: .post, headers: f.headers(.crew), body: body(transport))
            #expect(early.status == .conflict, "\(early.text)")
            #expect(f.api.projector.snapshot.announcements.isEmpty)

            // Confirm: a wrong number is refused, the right one confirms.
            #expect(try await client.execute(uri: "/v1/manv/incidents/\(id)/plans/2/confirmation", method: .post, headers: f.headers(.dispatcher)).status == .conflict)
            #expect(try await client.execute(uri: "/v1/manv/incidents/\(id)/plans/1/confirmation", method: .post, headers: f.headers(.dispatcher)).status == .created)

            // A crew transports a green patient: an announcement on the hospital's arrival board, en route on the board.
            let sent = try await client.execute(uri: "/v1/manv/incidents/\(id)/transports", method: .post, headers: f.headers(.crew, idempotencyKey: "t-1"),
                                                body: body(transport))
            #expect(sent.status == .created, "\(sent.text)")
            let announcement = try #require(sent.json["announcementId"] as? String)
            let retry = try await client.execute(uri: "/v1/manv/incidents/\(id)/transports", method: .post, headers: f.headers(.crew, idempotencyKey: "t-1"),
                                                 body: body(transport))
            #expect(retry.status == .ok && retry.json["announcementId"] as? String == announcement, "a retry transports nobody twice")
            let list = try await client.execute(uri: "/v1/announcements?hospitalId=\(greenTo)&minPosition=\(sent.json["position"] as? Int ?? 0)",
                                                method: .get, headers: f.headers(.admin))
            #expect((list.json["announcements"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == announcement })
            v = try await view(client, f, id, as: f.headers(.dispatcher))
            #expect(count(hospitals(v)[greenTo]?["enRoute"], "green") == 1)
            #expect(count(v["onScene"], "green") == 5)
            #expect((v["transports"] as? [[String: Any]])?.count == 1)

            // The hospital records the arrival: arrived on the board.
            let hospitalHeaders = greenTo == Self.bergen ? f.headers(.hospital) : stralsund(f)
            let arrival = try await client.execute(uri: "/v1/announcements/\(announcement)/arrival", method: .post, headers: hospitalHeaders, body: body("{}"))
            #expect(arrival.status == .ok, "\(arrival.text)")
            let after = try await client.execute(uri: "/v1/manv/incidents/\(id)?minPosition=\(arrival.json["position"] as? Int ?? 0)", method: .get,
                                                 headers: f.headers(.dispatcher))
            #expect(count(hospitals(after.json)[greenTo]?["arrived"], "green") == 1)
            #expect(count(hospitals(after.json)[greenTo]?["enRoute"], "green") == 0)
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndNothingIsWritten() async throws {
        let f = try await APIFixture.make()
        let schwerin = try await f.issuer.issue(subject: "ils-schwerin", role: .dispatcher, scope: ["Schwerin"], ttlSeconds: 3600)
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let id = try #require(opened.json["incidentId"] as? String)
            let head = try await f.store.head()
            func refused(_ method: HTTPRequest.Method, _ path: String, _ h: HTTPFields, _ text: String?, _ status: HTTPResponse.Status, field: String?) async throws {
                let r = try await client.execute(uri: path, method: method, headers: h, body: text.map(body))
                #expect(r.status == status, "\(path) \(text ?? ""): \(r.status) \(r.text)")
                #expect(r.headers[.contentType] == "application/problem+json")
                if let field { #expect(r.json["field"] as? String == field, "\(r.text)") }
            }
            let base = "/v1/manv/incidents/\(id)"
            // Negative and absurd counts (Bergen: far fewer beds than 10 000).
            try await refused(.put, base + "/acceptance/\(Self.bergen)", f.headers(.hospital), #"{"firstHour":{"red":-1,"yellow":0,"green":0}}"#,
                              .unprocessableContent, field: "firstHour.red")
            try await refused(.put, base + "/acceptance/\(Self.bergen)", f.headers(.hospital), #"{"firstHour":{"red":0,"yellow":0,"green":10000}}"#,
                              .unprocessableContent, field: "firstHour.green")
            try await refused(.put, base + "/acceptance/\(Self.bergen)", f.headers(.hospital),
                              #"{"firstHour":{"red":0,"yellow":0,"green":0},"surge":{"red":900,"yellow":0,"green":0}}"#, .unprocessableContent, field: "surge.red")
            // Another hospital's answer, an unknown field, an unknown category.
            try await refused(.put, base + "/acceptance/\(Self.bergen)", stralsund(f), #"{"firstHour":{"red":1,"yellow":1,"green":1}}"#, .forbidden, field: nil)
            try await refused(.put, base + "/acceptance/\(Self.bergen)", f.headers(.hospital), #"{"firstHour":{"red":1,"yellow":1,"green":1},"beds":3}"#,
                              .badRequest, field: "beds")
            try await refused(.post, base + "/patients", f.headers(.dispatcher), #"{"patients":[{"category":"black","count":1}]}"#,
                              .unprocessableContent, field: "patients[0].category")
            try await refused(.post, base + "/patients", f.headers(.dispatcher), #"{"patients":[{"category":"red","count":-2}]}"#,
                              .unprocessableContent, field: "patients[0].count")
            // An incident in a district the dispatcher does not serve; a dispatcher of another district on this one.
            var other = f.headers(nil)
            other[.authorization] = "Bearer \(schwerin)"
            try await refused(.post, "/v1/manv/incidents", other, Self.incident, .forbidden, field: nil)
            try await refused(.post, base + "/plans", other, nil, .notFound, field: nil)
            // No patients; a place off the map; a plan that violates a count; a change without a reason.
            try await refused(.post, "/v1/manv/incidents", f.headers(.dispatcher), Self.incident.replacingOccurrences(of: #""count":3"#, with: #""count":3000"#),
                              .unprocessableContent, field: "patients[0].count")
            try await refused(.post, "/v1/manv/incidents", f.headers(.dispatcher), Self.incident.replacingOccurrences(of: #""lat":54.42"#, with: #""lat":154.42"#),
                              .unprocessableContent, field: "lat")
            try await refused(.put, base + "/plan", f.headers(.dispatcher),
                              #"{"assignments":[{"hospitalId":"\#(Self.bergen)","category":"red","patients":1}],"reason":"Schockraum frei"}"#,
                              .unprocessableContent, field: "assignments")  // Bergen has not answered
            #expect(try await f.store.head() == head, "nothing written")

            _ = try await client.execute(uri: base + "/acceptance/\(Self.bergen)", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"firstHour":{"red":1,"yellow":2,"green":4}}"#))
            let answered = try await f.store.head()
            try await refused(.put, base + "/plan", f.headers(.dispatcher),
                              #"{"assignments":[{"hospitalId":"\#(Self.bergen)","category":"red","patients":2}],"reason":"Schockraum frei"}"#,
                              .unprocessableContent, field: "assignments")  // over Bergen's one SK I place
            try await refused(.put, base + "/plan", f.headers(.dispatcher),
                              #"{"assignments":[{"hospitalId":"\#(Self.bergen)","category":"red","patients":1}],"reason":" "}"#,
                              .unprocessableContent, field: "reason")
            let huge = #"{"hospitalId":"\#(Self.bergen)","category":"red","patients":9223372036854775807}"#
            try await refused(.put, base + "/plan", f.headers(.dispatcher), #"{"assignments":[\#(huge),\#(huge)],"reason":"x"}"#,
                              .unprocessableContent, field: "assignments.patients")
            try await refused(.post, "/v1/manv/incidents", f.headers(.dispatcher),
                              Self.incident.replacingOccurrences(of: #""count":3"#, with: #""count":9223372036854775807},{"category":"red","count":9223372036854775807"#),
                              .unprocessableContent, field: "patients[0].count")
            #expect(try await f.store.head() == answered, "nothing written")
            // A dispatcher's own plan within the counts is in force at once, with its reason.
            let changed = try await client.execute(uri: base + "/plan", method: .put, headers: f.headers(.dispatcher),
                                                   body: body(#"{"assignments":[{"hospitalId":"\#(Self.bergen)","category":"red","patients":1}],"reason":"Schockraum frei"}"#))
            #expect(changed.status == .ok && changed.json["planNumber"] as? Int == 1, "\(changed.text)")
            let v = try await view(client, f, id, as: f.headers(.dispatcher))
            let plan = try #require(v["plan"] as? [String: Any])
            #expect(plan["changeReason"] as? String == "Schockraum frei" && plan["confirmed"] as? Bool == true)
            #expect((plan["unplaced"] as? [[String: Any]] ?? []).map { $0["count"] as? Int ?? 0 }.reduce(0, +) == 12)
        }
    }

    @Test func aHospitalWithoutAnAnswerByTheDeadlineIsUnknownAndReplanningKeepsPatientsEnRoute() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let id = try #require(opened.json["incidentId"] as? String)
            let base = "/v1/manv/incidents/\(id)"
            _ = try await client.execute(uri: base + "/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                         body: body(#"{"firstHour":{"red":2,"yellow":2,"green":3},"surge":{"red":1,"yellow":1,"green":1}}"#))
            f.clock.advance(minutes: 11)
            var v = try await view(client, f, id, as: f.headers(.dispatcher))
            #expect(hospitals(v)[Self.bergen]?["answer"] as? String == "unknown")
            // Widening the reach asks the hospitals newly within it, by a deadline of their own; a reach that is not
            // wider is refused and nothing written.
            let before = Set(hospitals(v).keys)
            let reach = try #require(v["reachMinutes"] as? Double)
            let narrower = try await client.execute(uri: base + "/reach", method: .post, headers: f.headers(.dispatcher), body: body(#"{"reachMinutes":\#(reach)}"#))
            #expect(narrower.status == .conflict && narrower.json["field"] as? String == "reachMinutes", "\(narrower.text)")
            let wider = try await client.execute(uri: base + "/reach", method: .post, headers: f.headers(.dispatcher), body: body(#"{"reachMinutes":120,"answerMinutes":5}"#))
            #expect(wider.status == .created, "\(wider.text)")
            v = try await view(client, f, id, as: f.headers(.dispatcher))
            let added = Set(hospitals(v).keys).subtracting(before)
            #expect(!added.isEmpty && v["reachMinutes"] as? Double == 120)
            #expect(added.allSatisfy { hospitals(v)[$0]?["answer"] as? String == "pending" }, "asked later: their own deadline")
            #expect(hospitals(v)[Self.bergen]?["answer"] as? String == "unknown")
            #expect(hospitals(v)[Self.stralsund]?["answer"] as? String == "answered")
            #expect(v["answerSecondsLeft"] as? Int == 0)
            _ = try await client.execute(uri: base + "/plans", method: .post, headers: f.headers(.dispatcher))
            _ = try await client.execute(uri: base + "/plans/1/confirmation", method: .post, headers: f.headers(.dispatcher))
            v = try await view(client, f, id, as: f.headers(.dispatcher))
            var plan = try #require(v["plan"] as? [String: Any])
            #expect((plan["withoutAnswer"] as? [String] ?? []).contains(Self.bergen))
            #expect((plan["assignments"] as? [[String: Any]] ?? []).allSatisfy { $0["hospitalId"] as? String == Self.stralsund })
            // Two SK I leave for Stralsund (its two places); one stays on scene.
            for key in ["r1", "r2"] {
                let r = try await client.execute(uri: base + "/transports", method: .post, headers: f.headers(.crew, idempotencyKey: key),
                                                 body: body(#"{"hospitalId":"\#(Self.stralsund)","category":"red","pzc":"214401","unit":"RTW-1"}"#))
                #expect(r.status == .created, "\(r.text)")
            }
            let third = try await client.execute(uri: base + "/transports", method: .post, headers: f.headers(.crew),
                                                 body: body(#"{"hospitalId":"\#(Self.stralsund)","category":"red","pzc":"214401","unit":"RTW-1"}"#))
            #expect(third.status == .conflict, "no place left in the plan: \(third.text)")
            // Bergen answers late, surge is declared, two more SK I are found: the new plan keeps the two en route at
            // Stralsund and distributes the three on scene over what is left (Stralsund's surge place, Bergen's two).
            _ = try await client.execute(uri: base + "/acceptance/\(Self.bergen)", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"firstHour":{"red":2,"yellow":1,"green":1}}"#))
            _ = try await client.execute(uri: base + "/surge", method: .post, headers: f.headers(.dispatcher), body: body(#"{"reason":"Großschadenslage"}"#))
            _ = try await client.execute(uri: base + "/patients", method: .post, headers: f.headers(.dispatcher),
                                         body: body(#"{"patients":[{"category":"red","count":2}]}"#))
            let replanned = try await client.execute(uri: base + "/plans", method: .post, headers: f.headers(.dispatcher))
            #expect(replanned.json["planNumber"] as? Int == 2)
            v = try await view(client, f, id, as: f.headers(.dispatcher))
            plan = try #require(v["plan"] as? [String: Any])
            let red = (plan["assignments"] as? [[String: Any]] ?? []).filter { $0["category"] as? String == "red" }
            let redTo = Dictionary(red.map { ($0["hospitalId"] as! String, $0["patients"] as! Int) }, uniquingKeysWith: +)
            #expect(redTo == [Self.stralsund: 1, Self.bergen: 2], "\(redTo)")
            #expect(count(v["onScene"], "red") == 3 && count(hospitals(v)[Self.stralsund]?["enRoute"], "red") == 2)
            #expect((v["transports"] as? [[String: Any]])?.count == 2, "the patients en route keep their hospital")
            #expect(plan["confirmed"] as? Bool == false, "a new plan needs a new confirmation")
        }
    }

    @Test func hospitalsThatHaveNotAnsweredAreRemindedHalfwayToTheDeadline() async throws {
        let f = try await APIFixture.make(expirySeconds: 0.05)
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let id = try #require(opened.json["incidentId"] as? String)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await view(client, f, id, as: f.headers(.dispatcher))["remindedAt"] == nil, "not before halfway")
            f.clock.advance(minutes: 6)
            var reminded: Any?
            for _ in 0..<100 {
                reminded = try await view(client, f, id, as: f.headers(.hospital))["remindedAt"]
                if reminded != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(reminded as? String != nil, "the timer reminds halfway (5 of 10 minutes)")
            // Once per incident: the log holds one reminder, by Lotse itself.
            let events = try await f.store.readStream(StreamID("manv-\(id)"))
            #expect(events.filter { $0.type == "MANV.ReminderSent" }.count == 1)
            let metadata = events.last { $0.type == "MANV.ReminderSent" }.map { String(decoding: $0.metadata, as: UTF8.self) } ?? ""
            #expect(metadata.contains("system:lotse"), "\(metadata)")
        }
    }

    /// The event stream: the incident's dispatchers (and admins) get the events; a hospital only a nudge without any
    /// content (its own part comes from the REST view); a dispatcher of another district and crews nothing.
    @Test func theEventStreamShowsMANVEventsOnlyToThoseWhoLeadTheIncident() async throws {
        let f = try await APIFixture.make()
        let schwerin = try await f.issuer.issue(subject: "ils-schwerin", role: .dispatcher, scope: ["Schwerin"], ttlSeconds: 3600)
        try await f.run { client in
            let port = try #require(client.port)
            func stream(_ token: String) throws -> RawHTTPStream {
                try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(token)"])
            }
            let lead = try stream(f.tokens[.dispatcher]!), hospital = try stream(f.tokens[.hospital]!)
            let other = try stream(schwerin), crew = try stream(f.tokens[.crew]!)
            for s in [lead, hospital, other, crew] { _ = await s.read { $0.contains("Lotse-Ereignisse ab Position") } }
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let id = try #require(opened.json["incidentId"] as? String)
            let answer = try await client.execute(uri: "/v1/manv/incidents/\(id)/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                                  body: body(#"{"firstHour":{"red":3,"yellow":3,"green":5}}"#))
            #expect(answer.status == .ok)
            // A marker every role sees, so the streams have certainly passed the MANV events.
            let marker = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                                  body: body(#"{"beds":{"normal":{"free":2,"operable":40}}}"#))
            #expect(marker.status == .ok)
            let leadText = await lead.read { $0.contains("event: BedCountsReported") }
            #expect(leadText.contains("event: MANV.IncidentOpened") && leadText.contains("event: MANV.AcceptanceReported") && leadText.contains("\"red\":3"))
            let hospitalText = await hospital.read { $0.contains("event: BedCountsReported") }
            #expect(hospitalText.contains("event: MANV.Changed"))
            #expect(!hospitalText.contains("MANV.AcceptanceReported") && !hospitalText.contains("Busunfall") && !hospitalText.contains("\"red\":3"),
                    "a hospital saw another hospital's answer")
            for (name, s) in [("other district", other), ("crew", crew)] {
                let text = await s.read { $0.contains("event: BedCountsReported") }
                #expect(text.contains("event: BedCountsReported") && !text.contains("MANV"), "\(name) saw MANV events")
            }
        }
    }

    /// A transport refused by the incident cancels its announcement; its retry with the same key is refused too (never
    /// a transport on a cancelled announcement); a cancelled announcement gives the patient back to the scene.
    @Test func refusedAndCancelledTransportsAreUndoneEverywhere() async throws {
        let f = try await APIFixture.make(expirySeconds: 0.05)
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let id = try #require(opened.json["incidentId"] as? String)
            let base = "/v1/manv/incidents/\(id)"
            _ = try await client.execute(uri: base + "/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                         body: body(#"{"firstHour":{"red":3,"yellow":3,"green":5}}"#))
            _ = try await client.execute(uri: base + "/plans", method: .post, headers: f.headers(.dispatcher))
            _ = try await client.execute(uri: base + "/plans/1/confirmation", method: .post, headers: f.headers(.dispatcher))
            // Stralsund lowers its SK I answer to 0 after the plan: a transport there is refused (409) and makes no
            // announcement that stays.
            _ = try await client.execute(uri: base + "/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                         body: body(#"{"firstHour":{"red":0,"yellow":3,"green":5}}"#))
            let red = #"{"hospitalId":"\#(Self.stralsund)","category":"red","pzc":"214401","unit":"RTW-1"}"#
            let refused = try await client.execute(uri: base + "/transports", method: .post, headers: f.headers(.crew, idempotencyKey: "k1"), body: body(red))
            #expect(refused.status == .conflict, "\(refused.text)")
            let cancelled = f.api.projector.snapshot.announcements.values.filter { $0.status == .cancelled }
            #expect(cancelled.count == 1 && f.api.projector.snapshot.announcements.count == 1, "the refused transport's announcement is cancelled")
            _ = try await client.execute(uri: base + "/acceptance/\(Self.stralsund)", method: .put, headers: stralsund(f),
                                         body: body(#"{"firstHour":{"red":3,"yellow":3,"green":5}}"#))
            let retry = try await client.execute(uri: base + "/transports", method: .post, headers: f.headers(.crew, idempotencyKey: "k1"), body: body(red))
            #expect(retry.status == .conflict && retry.text.contains("neuem Idempotency-Key"), "\(retry.text)")
            // A new key transports; then the crew cancels the announcement: the timer gives the patient back to the scene.
            let sent = try await client.execute(uri: base + "/transports", method: .post, headers: f.headers(.crew, idempotencyKey: "k2"), body: body(red))
            #expect(sent.status == .created, "\(sent.text)")
            let announcement = try #require(sent.json["announcementId"] as? String)
            var v = try await view(client, f, id, as: f.headers(.dispatcher))
            #expect(count(v["onScene"], "red") == 2)
            let cancel = try await client.execute(uri: "/v1/announcements/\(announcement)/cancellation", method: .post, headers: f.headers(.crew),
                                                  body: body(#"{"reason":"Patient verweigert Transport"}"#))
            #expect(cancel.status == .ok, "\(cancel.text)")
            for _ in 0..<100 {
                v = try await view(client, f, id, as: f.headers(.dispatcher))
                if count(v["onScene"], "red") == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(count(v["onScene"], "red") == 3, "the patient is on scene again")
            #expect(count(hospitals(v)[Self.stralsund]?["placesLeft"], "red") == 3)
            let line = ((v["plan"] as? [String: Any])?["assignments"] as? [[String: Any]] ?? []).first { $0["category"] as? String == "red" }
            #expect(line?["left"] as? Int == line?["patients"] as? Int && line?["patients"] as? Int == 3, "the plan's place is free again: \(line ?? [:])")
        }
    }

    @Test func theBookOfIncidentsIsRebuiltFromTheLog() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.dispatcher), body: body(Self.incident))
            let raw = try #require(opened.json["incidentId"] as? String)
            let id = try #require(MANVIncidentID(raw))
            _ = try await client.execute(uri: "/v1/manv/incidents/\(id)/acceptance/\(Self.bergen)", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"firstHour":{"red":1,"yellow":2,"green":4}}"#))
            _ = try await client.execute(uri: "/v1/manv/incidents/\(id)/plans", method: .post, headers: f.headers(.dispatcher))
            let before = try #require(f.api.manv.incident(id))
            #expect(before.plan?.number == 1 && before.answers.count == 1)
            // Another node (or a restart) on the same log finds the incident from the listing and its stream.
            let second = try LotseAPIServices(store: f.store, snapshots: nil, table: try ReferenceData.requirementTable(), configuration: f.api.configuration)
            _ = try await second.start()
            #expect(second.manv.incident(id) == before)
            #expect(second.manv.incidents.count == 1)
        }
    }
}
