import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

/// Every role × every route: allowed ones pass authorization, all others get 401/403 as problem+json.
@Suite struct AuthorizationMatrixTests {
    /// A request for `route` that is valid when the caller is allowed.
    func probe(_ route: APIRoute, announcement: String, consultation: String, incident: String = "") -> (uri: String, body: String?) {
        let id = route.path.hasPrefix("/v1/announcements/") ? announcement
            : route.path.hasPrefix("/v1/consultations/") ? consultation
            : route.path.hasPrefix("/v1/manv/incidents/") ? incident
            : route.path.hasPrefix("/v1/physicians/") ? "test-physician" : "772096"
        let path = route.path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{resource}", with: "ct")
            .replacingOccurrences(of: "{unit}", with: "RTW-1").replacingOccurrences(of: "{hospitalId}", with: "772096")
            .replacingOccurrences(of: "{number}", with: "1")
        switch (route.method, route.path) {
        case (.post, "/v1/announcements"):
            return (path, #"{"hospitalId":"772096","pzc":"272353","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#)
        case (.post, "/v1/announcements/{id}/arrival"), (.post, "/v1/announcements/{id}/handover"): return (path, "{}")
        case (.post, "/v1/consultations"): return (path, #"{"kind":"crew-advice","priority":3,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#)
        case (.post, "/v1/consultations/{id}/cancellation"): return (path, #"{"reason":"Test"}"#)
        case (.get, "/v1/consultations/{id}"): return (path + "?reason=Qualit%C3%A4tssicherung", nil)
        case (.post, "/v1/consultations/{id}/end"): return (path, #"{"disposition":"treated-on-scene"}"#)
        case (.post, "/v1/physicians/{id}/sign-on"): return (path, #"{"maxParallel":1,"centre":"TNA-Greifswald"}"#)
        case (.post, "/v1/announcements/{id}/cancellation"): return (path, #"{"reason":"Test"}"#)
        case (.get, "/v1/dispatch"): return (path + "?pzc=421701&lat=54.63&lon=13.22", nil)
        case (.put, "/v1/hospitals/{id}/resources/{resource}/status"): return (path, #"{"status":"limited"}"#)
        case (.put, "/v1/hospitals/{id}/resources/{resource}/closure"): return (path, #"{"reason":"Test","until":"2026-11-23T12:00:00Z"}"#)
        case (.put, "/v1/hospitals/{id}/beds"): return (path, #"{"beds":{"normal":{"free":3,"operable":10}}}"#)
        case (.post, "/v1/revocations"): return (path, #"{"jti":"matrix-test","reason":"Test"}"#)
        case (.post, "/v1/manv/incidents"): return (path, Self.manvIncident)
        case (.put, "/v1/manv/incidents/{id}/acceptance/{hospitalId}"): return (path, #"{"firstHour":{"red":1,"yellow":1,"green":1}}"#)
        case (.post, "/v1/manv/incidents/{id}/reach"): return (path, #"{"reachMinutes":240}"#)
        case (.post, "/v1/manv/incidents/{id}/patients"): return (path, #"{"patients":[{"category":"green","count":1}]}"#)
        case (.post, "/v1/manv/incidents/{id}/surge"), (.post, "/v1/manv/incidents/{id}/closure"): return (path, #"{"reason":"Test"}"#)
        case (.put, "/v1/manv/incidents/{id}/plan"): return (path, #"{"assignments":[],"reason":"Test"}"#)
        case (.post, "/v1/manv/incidents/{id}/transports"):
            return (path, #"{"hospitalId":"772096","category":"red","pzc":"212701","unit":"RTW-1"}"#)
        case (.post, "/v1/beds"): return (path, #"{"reports":[{"hospitalId":"772096","beds":{"normal":{"free":4,"operable":10}}}]}"#)
        default: return (path, nil)
        }
    }

    /// A bus crash near Bergen auf Rügen: hospital 772096 is within reach.
    static let manvIncident = #"{"district":"Vorpommern-Rügen","label":"Busunfall","lat":54.42,"lon":13.43,"patients":[{"category":"red","count":2}]}"#

    @Test func everyRoleOnEveryRoute() async throws {
        let f = try await APIFixture.make()
        let routes = LotseServer.routes(f.api).filter { $0.path != "/v1/events" }   // streaming: see SSETests
        let allRoutes = LotseServer.routes(f.api)
        #expect(allRoutes.count == routes.count + 1)
        try await f.run { client in
            // An announcement every role in the test tokens' scopes can see (hospital 772096, district, unit RTW-1).
            let created = try await client.execute(
                uri: "/v1/announcements", method: .post, headers: f.headers(.admin),
                body: body(#"{"hospitalId":"772096","pzc":"421701","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#))
            let announcement = try #require(created.json["announcementId"] as? String)
            // A physician on duty and a consultation offered to them, visible to the test tokens (district, unit, centre).
            _ = try await client.execute(uri: "/v1/physicians/test-physician/sign-on", method: .post, headers: f.headers(.physician), body: body("{}"))
            let requested = try await client.execute(
                uri: "/v1/consultations", method: .post, headers: f.headers(.admin),
                body: body(#"{"kind":"bridging-until-nef","priority":1,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#))
            let consultation = try #require(requested.json["consultationId"] as? String, "\(requested.text)")
            // A MANV incident of the district that asked hospital 772096.
            let opened = try await client.execute(uri: "/v1/manv/incidents", method: .post, headers: f.headers(.admin), body: body(Self.manvIncident))
            let incident = try #require(opened.json["incidentId"] as? String, "\(opened.text)")
            for route in routes {
                for role in [nil] + Role.allCases.map(Optional.some) {
                    let (uri, text) = probe(route, announcement: announcement, consultation: consultation, incident: incident)
                    let r = try await client.execute(uri: uri, method: route.method, headers: f.headers(role), body: text.map(body))
                    let label = "\(route.method) \(route.path) as \(role?.rawValue ?? "anonymous")"
                    if route.roles.isEmpty {
                        #expect(r.status == .ok, "\(label): \(r.text)")
                    } else if role == nil {
                        #expect(r.status == .unauthorized, "\(label)")
                        #expect(r.headers[.contentType] == "application/problem+json")
                    } else if !route.roles.contains(role!) {
                        #expect(r.status == .forbidden, "\(label): \(r.status)")
                        #expect(r.headers[.contentType] == "application/problem+json")
                    } else if route.method == .get {
                        #expect(r.status == .ok, "\(label): \(r.status) \(r.text)")
                    } else {
                        // Commands pass authorization; a repeated command may meet a state conflict (reopen twice); there
                        // is no alarm to acknowledge here (AlarmTests has them), so that one passes to its 404.
                        let passed: Set<HTTPResponse.Status> = route.path == "/v1/alarms/{id}/acknowledgement" ? [.notFound] : [.ok, .created, .conflict]
                        #expect(passed.contains(r.status), "\(label): \(r.status) \(r.text)")
                    }
                }
            }
        }
    }

    @Test func aHospitalChangesOnlyItsOwnData() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            var h = f.headers(nil)
            h[.authorization] = "Bearer \(f.otherHospitalToken)"
            let r = try await client.execute(uri: "/v1/hospitals/772096/resources/ct/status", method: .put, headers: h, body: body(#"{"status":"limited"}"#))
            #expect(r.status == .forbidden && r.json["detail"] as? String != nil)
            let own = try await client.execute(uri: "/v1/hospitals/771436/resources/ct/status", method: .put, headers: h, body: body(#"{"status":"limited"}"#))
            #expect(own.status == .ok)
            let batch = try await client.execute(
                uri: "/v1/beds", method: .post, headers: h,
                body: body(#"{"reports":[{"hospitalId":"771436","beds":{"normal":{"free":1,"operable":2}}},{"hospitalId":"772096","beds":{"normal":{"free":1,"operable":2}}}]}"#))
            #expect(batch.status == .forbidden)
        }
        // Each event records who did it.
        let last = try await f.store.read(after: 0, limit: 10_000).last!
        #expect(String(decoding: last.metadata, as: UTF8.self).contains("\"principal\":\"hospital:zna-stralsund\""))
    }

    @Test func badTokensAreRejected() async throws {
        let f = try await APIFixture.make()
        // Signed by a key the server does not know; HS256 (no development secret configured); expired; too long-lived;
        // an unknown role; the right key's kid on a forged signature.
        let foreign = try await TokenIssuer(signingKey: .generate()).issue(subject: "x", role: .admin, scope: ["*"], ttlSeconds: 60)
        let hs256 = try await TokenIssuer(devSecret: "another-secret-0123456789-0123456789abcdef").issue(subject: "x", role: .admin, scope: ["*"], ttlSeconds: 60)
        let expired = try await f.issuer.issue(subject: "x", role: .admin, scope: ["*"], ttlSeconds: 60, now: Date().addingTimeInterval(-3600))
        let tooLong = try await f.issuer.issue(subject: "x", role: .admin, scope: ["*"], ttlSeconds: 13 * 3600)
        let good = try await f.issuer.issue(subject: "x", role: .admin, scope: ["*"], ttlSeconds: 60)
        let forged = good.split(separator: ".").prefix(2).joined(separator: ".") + "." + (foreign.split(separator: ".").last ?? "")
        try await f.run { client in
            for token in [foreign, hs256, expired, tooLong, forged, "not-a-jwt", "a.b.c"] {
                let r = try await client.execute(uri: "/v1/hospitals", method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(r.status == .unauthorized && r.headers[.contentType] == "application/problem+json")
            }
            let basic = try await client.execute(uri: "/v1/hospitals", method: .get, headers: [.authorization: "Basic abc"])
            #expect(basic.status == .unauthorized)
        }
    }

    /// Without a token an unknown path under /v1 is 401 like a known one (no route map for anonymous callers);
    /// with a token it is a 404 problem.
    @Test func unknownPathsUnderV1NeedATokenToo() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            for path in ["/v1/nope", "/v1/hospitals/772096/nope/deeper"] {
                let anonymous = try await client.execute(uri: path, method: .get)
                #expect(anonymous.status == .unauthorized, "\(path)")
                let signedIn = try await client.execute(uri: path, method: .get, headers: f.headers(.admin))
                #expect(signedIn.status == .notFound && signedIn.headers[.contentType] == "application/problem+json", "\(path)")
            }
            // Known routes still answer.
            #expect(try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.admin)).status == .ok)
        }
    }
}
