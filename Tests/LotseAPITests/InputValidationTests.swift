import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

/// Bad input on every command and query: 400/413/422 problem+json naming the field, nothing written.
@Suite struct InputValidationTests {
    struct Case: Sendable {
        let method: HTTPRequest.Method
        let uri: String
        let body: String?
        let status: HTTPResponse.Status
        let field: String?
    }

    static let closure = "/v1/hospitals/772096/resources/stroke-unit/closure"
    static let cases: [Case] = [
        Case(method: .put, uri: closure, body: #"{"reason":"x","until":"2026-11-23T09:00:00Z"}"#, status: .unprocessableContent, field: "until"),
        Case(method: .put, uri: closure, body: #"{"reason":"x","until":"2026-12-23T09:00:00Z"}"#, status: .unprocessableContent, field: "until"),
        Case(method: .put, uri: closure, body: #"{"reason":"x","until":"morgen"}"#, status: .badRequest, field: "until"),
        Case(method: .put, uri: closure, body: #"{"reason":"  ","until":"2026-11-23T12:00:00Z"}"#, status: .unprocessableContent, field: "reason"),
        Case(method: .put, uri: closure, body: #"{"until":"2026-11-23T12:00:00Z"}"#, status: .badRequest, field: "reason"),
        Case(method: .put, uri: closure, body: #"{"reason":"x","until":"2026-11-23T12:00:00Z","by":"me"}"#, status: .badRequest, field: "by"),
        Case(method: .put, uri: closure, body: #"{"reason":"x""#, status: .badRequest, field: nil),
        Case(method: .put, uri: closure, body: #"[1,2]"#, status: .badRequest, field: nil),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/laser/closure", body: #"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#, status: .notFound, field: nil),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/cath-lab/closure", body: #"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#, status: .unprocessableContent, field: "resource"),
        Case(method: .put, uri: "/v1/hospitals/999999/resources/ct/closure", body: #"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#, status: .notFound, field: nil),
        Case(method: .delete, uri: closure, body: nil, status: .conflict, field: nil),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/ct/status", body: #"{"status":"closed"}"#, status: .badRequest, field: "status"),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/ct/status", body: #"{"status":1}"#, status: .badRequest, field: "status"),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/ct/status", body: #"{}"#, status: .badRequest, field: "status"),
        Case(method: .put, uri: "/v1/hospitals/772096/resources/ct/status", body: #"{"status":"limited","by":"me"}"#, status: .badRequest, field: "by"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{"icu-high-care":{"free":-1,"operable":5}}}"#, status: .unprocessableContent, field: "beds.icu-high-care"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{"normal":{"free":9,"operable":5}}}"#, status: .unprocessableContent, field: "beds.normal"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{"normal":{"free":1,"operable":5,"additional24h":8,"additional72h":4}}}"#, status: .unprocessableContent, field: "beds.normal"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{"normal":{"free":1,"operable":5,"additional24h":-1}}}"#, status: .unprocessableContent, field: "beds.normal"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{}}"#, status: .unprocessableContent, field: "beds"),
        Case(method: .put, uri: "/v1/hospitals/772096/beds", body: #"{"beds":{"sauna":{"free":1,"operable":5}}}"#, status: .badRequest, field: "beds.sauna"),
        Case(method: .post, uri: "/v1/beds", body: #"{"reports":[{"hospitalId":"772096","beds":{"normal":{"free":1,"operable":5}}},{"hospitalId":"772096","beds":{"normal":{"free":1,"operable":5}}}]}"#, status: .unprocessableContent, field: "reports.1.hospitalId"),
        Case(method: .post, uri: "/v1/beds", body: #"{"reports":[]}"#, status: .unprocessableContent, field: "reports"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=95&lon=13.2", body: nil, status: .unprocessableContent, field: "lat"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=54&lon=190", body: nil, status: .unprocessableContent, field: "lon"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=54", body: nil, status: .badRequest, field: "lon"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=abc&lon=13", body: nil, status: .badRequest, field: "lat"),
        Case(method: .get, uri: "/v1/dispatch?pzc=42170&lat=54&lon=13", body: nil, status: .unprocessableContent, field: "pzc"),
        Case(method: .get, uri: "/v1/dispatch?pzc=999701&lat=54&lon=13", body: nil, status: .unprocessableContent, field: "pzc"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421702&lat=54&lon=13", body: nil, status: .unprocessableContent, field: "pzc"),
        Case(method: .get, uri: "/v1/dispatch?pzc=000701&lat=54&lon=13", body: nil, status: .unprocessableContent, field: "pzc"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=54&lon=13&limit=0", body: nil, status: .badRequest, field: "limit"),
        Case(method: .get, uri: "/v1/dispatch?rmi=421&urgency=1&lat=54&lon=13", body: nil, status: .badRequest, field: "age"),
        Case(method: .get, uri: "/v1/board?asOf=2030-01-01T00:00:00Z", body: nil, status: .unprocessableContent, field: "asOf"),
        Case(method: .get, uri: "/v1/board?asOf=gestern", body: nil, status: .badRequest, field: "asOf"),
        Case(method: .get, uri: "/v1/ping?pad=16385", body: nil, status: .unprocessableContent, field: "pad"),
        Case(method: .get, uri: "/v1/ping?pad=viel", body: nil, status: .badRequest, field: "pad"),
        Case(method: .get, uri: "/v1/audit?after=3", body: nil, status: .badRequest, field: "after"),
        Case(method: .get, uri: "/v1/audit?limit=0", body: nil, status: .unprocessableContent, field: "limit"),
        Case(method: .get, uri: "/v1/hospitals/99%2099", body: nil, status: .badRequest, field: "id"),
        Case(method: .get, uri: "/v1/hospitals/123456", body: nil, status: .notFound, field: nil),
        Case(method: .get, uri: "/v1/nowhere", body: nil, status: .notFound, field: nil),
        // A read-your-writes position beyond the log's head is refused at once (it used to hold the request for 5 s).
        Case(method: .get, uri: "/v1/board?minPosition=99999999", body: nil, status: .unprocessableContent, field: "minPosition"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=54&lon=13&minPosition=99999999", body: nil, status: .unprocessableContent, field: "minPosition"),
        Case(method: .get, uri: "/v1/announcements?minPosition=99999999", body: nil, status: .unprocessableContent, field: "minPosition"),
        Case(method: .get, uri: "/v1/board?minPosition=-1", body: nil, status: .badRequest, field: "minPosition"),
        // Query parameters an operation does not define are refused, not ignored.
        Case(method: .get, uri: "/v1/board?distrikt=Vorpommern-R%C3%BCgen", body: nil, status: .badRequest, field: "distrikt"),
        Case(method: .get, uri: "/v1/dispatch?pzc=421701&lat=54&lon=13&limt=3", body: nil, status: .badRequest, field: "limt"),
        Case(method: .get, uri: "/v1/hospitals/772096?verbose=1", body: nil, status: .badRequest, field: "verbose"),
        Case(method: .put, uri: closure + "?force=true", body: #"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#, status: .badRequest, field: "force"),
        // Found by Schemathesis: a batch naming a hospital that is not registered (404, now documented).
        Case(method: .post, uri: "/v1/beds", body: #"{"reports":[{"hospitalId":"betrieb","beds":{}}]}"#, status: .notFound, field: "reports.0"),
    ]

    @Test func everyBadInputIsAProblemNamingTheFieldAndWritesNothing() async throws {
        let f = try await APIFixture.make()
        let before = try await f.store.head()
        let documented = try OpenAPITests.documentedOperations()
        let templates = LotseServer.routes(f.api).map { ($0.method, $0.path) }
        try await f.run { client in
            for c in Self.cases {
                let r = try await client.execute(uri: c.uri, method: c.method, headers: f.headers(.admin), body: c.body.map(body))
                let label = "\(c.method) \(c.uri) \(c.body ?? "")"
                #expect(r.status == c.status, "\(label): \(r.status) \(r.text)")
                // Every answer the cases provoke is one the document lists for the operation.
                let path = String(c.uri.split(separator: "?").first ?? "")
                if let (method, template) = templates.first(where: { $0.0 == c.method && Self.matches(path, $0.1) }) {
                    #expect(documented["\(method.rawValue) \(template)"]?.statuses.contains(Int(c.status.code)) == true, "\(label): \(c.status.code) not in Docs/openapi.yaml")
                }
                #expect(r.headers[.contentType] == "application/problem+json", "\(label)")
                #expect(r.json["status"] as? Int == Int(c.status.code), "\(label)")
                #expect(!(r.json["detail"] as? String ?? "").isEmpty, "\(label)")
                if let field = c.field { #expect(r.json["field"] as? String == field, "\(label): \(r.text)") }
            }
        }
        #expect(try await f.store.head() == before, "a refused request wrote something")
    }

    /// Authentication, then authorisation, then validation: a hospital changing another hospital's data is refused
    /// with 403 whatever its body or path says, so it learns nothing about the other's validation rules.
    @Test func authorisationIsCheckedBeforeTheBody() async throws {
        let f = try await APIFixture.make()
        let other: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(f.otherHospitalToken)"]
        try await f.run { client in
            for (method, uri, payload) in [
                (HTTPRequest.Method.put, Self.closure, #"{"reason":"x""#),
                (.put, Self.closure, #"{"reason":"x","until":"morgen"}"#),
                (.put, "/v1/hospitals/772096/resources/laser/closure", #"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#),
                (.put, "/v1/hospitals/772096/beds", #"{"beds":{"sauna":{"free":1,"operable":5}}}"#),
                (.put, "/v1/hospitals/99%2099/beds", #"{"beds":{}}"#),
                (.delete, Self.closure, nil),
            ] {
                let r = try await client.execute(uri: uri, method: method, headers: other, body: payload.map(body))
                #expect(r.status == .forbidden, "\(method) \(uri) \(payload ?? ""): \(r.status) \(r.text)")
            }
            // Without a token: 401 before anything else.
            let anonymous = try await client.execute(uri: Self.closure, method: .put, headers: [.contentType: "application/json"], body: body("{"))
            #expect(anonymous.status == .unauthorized)
        }
    }

    /// Whether a request path fits a route template (`{id}` matches one segment).
    static func matches(_ path: String, _ template: String) -> Bool {
        let a = path.split(separator: "/", omittingEmptySubsequences: false), b = template.split(separator: "/", omittingEmptySubsequences: false)
        return a.count == b.count && zip(a, b).allSatisfy { $1.hasPrefix("{") || $0 == $1 }
    }

    /// A body that is not declared JSON is refused with 415 before it is read.
    @Test func bodiesMustBeDeclaredJSON() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            for type in [nil, "text/plain", "application/x-www-form-urlencoded"] {
                var h: HTTPFields = [.authorization: "Bearer \(f.tokens[.admin]!)"]
                if let type { h[.contentType] = type }
                let r = try await client.execute(uri: Self.closure, method: .put, headers: h, body: body(#"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#))
                #expect(r.status == .unsupportedMediaType && r.headers[.contentType] == "application/problem+json", "\(type ?? "none"): \(r.status)")
            }
            var charset: HTTPFields = f.headers(.admin)
            charset[.contentType] = "application/json; charset=utf-8"
            let ok = try await client.execute(uri: "/v1/hospitals/772096/resources/ct/status", method: .put, headers: charset, body: body(#"{"status":"limited"}"#))
            #expect(ok.status == .ok)
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        let f = try await APIFixture.make(maxBody: 1024)
        try await f.run { client in
            let big = #"{"reason":""# + String(repeating: "x", count: 4000) + #"","until":"2026-11-23T12:00:00Z"}"#
            let r = try await client.execute(uri: Self.closure, method: .put, headers: f.headers(.admin), body: body(big))
            #expect(r.status == .contentTooLarge && r.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func thePerPrincipalRateLimitAnswers429() async throws {
        let f = try await APIFixture.make(rateLimit: 2)
        try await f.run { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 { statuses.append(try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.crew)).status) }
            #expect(statuses.prefix(2).allSatisfy { $0 == .ok })
            #expect(statuses.contains(.tooManyRequests))
            let limited = try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.crew))
            if limited.status == .tooManyRequests {
                #expect(limited.headers[.contentType] == "application/problem+json")
                #expect(limited.headers[.retryAfter] == "1")
            }
            // Another principal is not affected.
            #expect(try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.admin)).status == .ok)
        }
    }
}
