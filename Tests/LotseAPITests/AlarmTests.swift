import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseTokens
import Testing

/// The Leitstelle's alarms (issue 13): an escalated red announcement and a Telenotarzt request nobody took are alarms
/// of their district until a dispatcher acknowledges them; the acknowledgement is in the log (who, when).
@Suite struct AlarmTests {
    let red = #"{"hospitalId":"771436","pzc":"421701","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#

    @Test func escalationsAndUnassignedRequestsAreAlarmsUntilAcknowledged() async throws {
        let f = try await APIFixture.make(expirySeconds: 0.05)
        let otherDistrict = try await f.issuer.issue(subject: "ils-schwerin", role: .dispatcher, scope: ["Schwerin"], ttlSeconds: 3600)
        try await f.run { client in
            #expect(try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(red)).status == .created)
            let tna = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                               body: body(#"{"kind":"crew-advice","priority":1,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#))
            #expect(tna.status == .created)
            func alarms(_ h: HTTPFields) async throws -> [[String: Any]] {
                let r = try await client.execute(uri: "/v1/alarms", method: .get, headers: h)
                #expect(r.status == .ok, "\(r.text)")
                return r.json["alarms"] as? [[String: Any]] ?? []
            }
            #expect(try await alarms(f.headers(.dispatcher)).isEmpty, "no alarm before the time")
            // 2.5 min: the red announcement escalates; 5.5 min: nobody took the Telenotarzt request.
            f.clock.advance(minutes: 6)
            var list: [[String: Any]] = []
            for _ in 0..<100 {
                list = try await alarms(f.headers(.dispatcher))
                if list.count == 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(Set(list.compactMap { $0["kind"] as? String }) == ["announcement-escalated", "telenotarzt-unassigned"], "\(list)")
            #expect(list.allSatisfy { $0["acknowledgedAt"] == nil })
            // Another district's Leitstelle sees none; hospitals may not ask.
            var other = f.headers(nil)
            other[.authorization] = "Bearer \(otherDistrict)"
            #expect(try await alarms(other).isEmpty)
            #expect(try await client.execute(uri: "/v1/alarms", method: .get, headers: f.headers(.hospital)).status == .forbidden)

            let id = try #require(list.first { $0["kind"] as? String == "announcement-escalated" }?["id"] as? String)
            #expect(try await client.execute(uri: "/v1/alarms/\(id)/acknowledgement", method: .post, headers: other).status == .notFound)
            #expect(try await client.execute(uri: "/v1/alarms/\(id)/acknowledgement", method: .post, headers: f.headers(.crew)).status == .forbidden)
            // Who hears of the acknowledgement on the event stream: the district's dispatchers (and admins), no one else.
            let port = try #require(client.port)
            let head = try await f.store.head()
            let streams = try [f.tokens[.dispatcher]!, otherDistrict, f.tokens[.hospital]!].map {
                try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: ["Authorization": "Bearer \($0)"])
            }
            let ack = try await client.execute(uri: "/v1/alarms/\(id)/acknowledgement", method: .post, headers: f.headers(.dispatcher))
            #expect(ack.status == .created && ack.json["newlyAcknowledged"] as? Bool == true, "\(ack.text)")
            let again = try await client.execute(uri: "/v1/alarms/\(id)/acknowledgement", method: .post, headers: f.headers(.dispatcher))
            #expect(again.status == .ok && again.json["newlyAcknowledged"] as? Bool == false)
            _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"beds":{"normal":{"free":5,"operable":40}}}"#))
            let seen = await streams.asyncMap { s in await s.read { $0.contains("event: BedCountsReported") } }
            #expect(seen[0].contains("event: AlarmAcknowledged"))
            #expect(!seen[1].contains("AlarmAcknowledged") && !seen[2].contains("AlarmAcknowledged"))
            // Acknowledged: still listed (who, when), after the open one.
            let position = try #require(ack.json["position"] as? Int)
            _ = try await client.execute(uri: "/v1/board?minPosition=\(position)", method: .get, headers: f.headers(.dispatcher))
            list = try await alarms(f.headers(.dispatcher))
            #expect(list.first?["acknowledgedAt"] == nil && list.last?["id"] as? String == id)
            #expect(list.last?["acknowledgedBy"] as? String == "dispatcher:test-dispatcher")
            // In the log: one AlarmAcknowledged, by the dispatcher.
            let acks = try await f.store.read(after: 0, limit: 100_000).filter { $0.type == "AlarmAcknowledged" }
            #expect(acks.count == 1 && String(decoding: acks[0].metadata, as: UTF8.self).contains("dispatcher:test-dispatcher"))

            // A cause that resolves itself ends its alarm: a physician takes the request — no Telenotarzt alarm any more.
            let cid = try #require(list.first { $0["kind"] as? String == "telenotarzt-unassigned" }?["consultationId"] as? String)
            _ = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician), body: body("{}"))
            let took = try await client.execute(uri: "/v1/consultations/\(cid)/acceptance", method: .post, headers: f.headers(.physician))
            #expect(took.status == .ok, "\(took.text)")
            list = try await alarms(f.headers(.dispatcher))
            #expect(list.count == 1 && list[0]["id"] as? String == id, "\(list)")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
