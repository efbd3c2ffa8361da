import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDispatch
import LotseDomain
import LotseTokens
import Testing

@Suite struct CommandFlowTests {
    let closure = "/v1/hospitals/772096/resources/stroke-unit/closure"

    /// One click per shift: every status of the hospital reported again in one command (one commit), the board's
    /// report times move to now.
    @Test func allStatusesAreConfirmedInOneCommand() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            f.clock.advance(minutes: 90)
            let r = try await client.execute(uri: "/v1/hospitals/772096/status-confirmation", method: .post, headers: f.headers(.hospital))
            #expect(r.status == .ok, "\(r.text)")
            let events = try #require(r.json["events"] as? [String])
            let hospital = try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.hospital))
            let resources = try #require(hospital.json["resources"] as? [[String: Any]])
            #expect(!events.isEmpty && events.allSatisfy { $0 == "ResourceStatusReported" } && events.count == resources.count)
            let now = f.clock.now().iso8601
            #expect(resources.allSatisfy { $0["reportedAt"] as? String == now }, "\(resources)")
            // Another hospital may not confirm for it.
            var other = f.headers(nil)
            other[.authorization] = "Bearer \(f.otherHospitalToken)"
            #expect(try await client.execute(uri: "/v1/hospitals/772096/status-confirmation", method: .post, headers: other).status == .forbidden)
        }
    }

    @Test func idempotentRetriesReturnTheFirstResult() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let payload = body(#"{"reason":"Personalmangel","until":"2026-11-23T12:30:00Z"}"#)
            let first = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital, idempotencyKey: "abc-1"), body: payload)
            #expect(first.status == .ok && first.json["deduplicated"] as? Bool == false)
            let head = try await f.store.head()
            let retry = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital, idempotencyKey: "abc-1"), body: payload)
            #expect(retry.status == .ok && retry.json["deduplicated"] as? Bool == true)
            #expect(retry.json["position"] as? Int == first.json["position"] as? Int)
            #expect(try await f.store.head() == head)
            // The same key for another hospital's command is refused.
            let reused = try await client.execute(uri: "/v1/hospitals/771436/beds", method: .put, headers: f.headers(.admin, idempotencyKey: "abc-1"),
                                                  body: body(#"{"beds":{"normal":{"free":1,"operable":2}}}"#))
            #expect(reused.status == .unprocessableContent && reused.json["field"] as? String == "Idempotency-Key")
        }
    }

    @Test func readYourWritesAndTheDispatchAnswerChanges() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let dispatch = "/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=3"
            let before = try await client.execute(uri: dispatch, method: .get, headers: f.headers(.dispatcher))
            #expect((before.json["candidates"] as? [[String: Any]])?.first?["hospitalId"] as? String == "772096")
            let r = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital),
                                             body: body(#"{"reason":"Personalmangel","until":"2026-11-23T12:30:00Z"}"#))
            let position = try #require(r.json["position"] as? Int)
            let board = try await client.execute(uri: "/v1/board?district=Vorpommern-R%C3%BCgen&minPosition=\(position)", method: .get, headers: f.headers(.crew))
            #expect(board.status == .ok && (board.json["logPosition"] as? Int ?? 0) >= position)
            let bergen = try #require((board.json["hospitals"] as? [[String: Any]])?.first { $0["hospitalId"] as? String == "772096" })
            let stroke = try #require((bergen["resources"] as? [[String: Any]])?.first { $0["resource"] as? String == "stroke-unit" })
            #expect(stroke["status"] as? String == "closed" && stroke["reason"] as? String == "Personalmangel")
            #expect((board.json["hospitals"] as? [[String: Any]])?.allSatisfy { $0["district"] as? String == "Vorpommern-Rügen" } == true)
            let after = try await client.execute(uri: dispatch + "&minPosition=\(position)", method: .get, headers: f.headers(.dispatcher))
            #expect((after.json["candidates"] as? [[String: Any]])?.first?["hospitalId"] as? String == "771436")
            let excluded = (after.json["excluded"] as? [[String: Any]])?.first
            #expect(excluded?["reasons"] as? [String] == ["Stroke Unit abgemeldet bis 13:30 – Grund: Personalmangel"])
        }
    }

    /// The benchmark's yardstick answers who calls, with as much filler as asked.
    @Test func pingNamesTheCallerAndPadsOnRequest() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let plain = try await client.execute(uri: "/v1/ping", method: .get, headers: f.headers(.dispatcher))
            #expect(plain.status == .ok && plain.json["status"] as? String == "ok" && plain.json["pad"] == nil)
            #expect((plain.json["principal"] as? String)?.hasPrefix("dispatcher:") == true)
            let padded = try await client.execute(uri: "/v1/ping?pad=7500", method: .get, headers: f.headers(.crew))
            #expect((padded.json["pad"] as? String)?.utf8.count == 7500 && (padded.json["pad"] as? String)?.allSatisfy { $0 == "x" } == true)
            #expect(try await client.execute(uri: "/v1/ping", method: .get).status == .unauthorized)
        }
    }

    @Test func asOfShowsTheBoardAsItWas() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let closedAt = f.clock.now()
            _ = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"reason":"OP voll","until":"2026-11-23T12:30:00Z"}"#))
            f.clock.advance(minutes: 30)
            let reopen = try await client.execute(uri: closure, method: .delete, headers: f.headers(.hospital))
            #expect(reopen.status == .ok)
            func strokeStatus(_ query: String) async throws -> String? {
                let b = try await client.execute(uri: "/v1/board" + query, method: .get, headers: f.headers(.admin))
                let h = (b.json["hospitals"] as? [[String: Any]])?.first { $0["hospitalId"] as? String == "772096" }
                return (h?["resources"] as? [[String: Any]])?.first { $0["resource"] as? String == "stroke-unit" }?["status"] as? String
            }
            #expect(try await strokeStatus("?asOf=\(closedAt.adding(minutes: 10).iso8601)") == "closed")
            #expect(try await strokeStatus("?asOf=\(closedAt.adding(minutes: -1).iso8601)") == "available")
            #expect(try await strokeStatus("") == "available")
            // Before the demo was seeded nothing was known: no hospitals at all.
            let empty = try await client.execute(uri: "/v1/board?asOf=2026-11-22T00:00:00Z", method: .get, headers: f.headers(.admin))
            #expect((empty.json["hospitals"] as? [Any])?.isEmpty == true)
        }
    }

    /// The board of a past moment is the log up to then: its position is that of the last capacity event applied,
    /// not of later events of other aggregates (Telenotarzt, audit).
    @Test func asOfPositionIsTheLastCapacityEventBeforeThen() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let closed = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital),
                                                  body: body(#"{"reason":"OP voll","until":"2026-11-23T12:30:00Z"}"#))
            let position = try #require(closed.json["position"] as? Int)
            let asOf = f.clock.now()
            f.clock.advance(minutes: 5)
            let on = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician),
                                              body: body(#"{"maxParallel":1}"#))
            #expect(on.status == .ok, "\(on.text)")
            #expect(try await f.store.head() > Int64(position))
            let b = try await client.execute(uri: "/v1/board?asOf=\(f.clock.now().iso8601)", method: .get, headers: f.headers(.admin))
            #expect(b.json["logPosition"] as? Int == position, "\(asOf)")
        }
    }

    @Test func closuresExpireByATimerEvent() async throws {
        let f = try await APIFixture.make(expirySeconds: 0.05)
        try await f.run { client in
            let r = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital),
                                             body: body(#"{"reason":"kurz","until":"2026-11-23T10:20:00Z"}"#))
            #expect(r.status == .ok)
            f.clock.advance(minutes: 16)   // now 10:21
            var expired = false
            for _ in 0..<100 where !expired {
                try await Task.sleep(for: .milliseconds(20))
                expired = try await f.store.read(after: 0, limit: 10_000).contains { $0.type == "ResourceClosureExpired" }
            }
            #expect(expired)
            let events = try await f.store.read(after: 0, limit: 10_000)
            #expect(String(decoding: events.last!.metadata, as: UTF8.self).contains("system:lotse"))
        }
    }
}
