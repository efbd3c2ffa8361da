import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

/// Every read of patient-related records is on record: the test walks the OpenAPI document's operations marked
/// `x-personal-data`, calls each, and finds the read in "who saw this case" (`GET /v1/audit?case=…`).
@Suite struct ReadAuditTests {
    @Test func everyOperationWithPersonalDataLeavesAnAuditRecordOfItsCases() async throws {
        let ops = try OpenAPITests.documentedOperations().filter { $0.value.personalData }.keys.sorted()
        #expect(ops == [
            "GET /v1/alarms", "GET /v1/announcements", "GET /v1/announcements/{id}", "GET /v1/consultations", "GET /v1/consultations/{id}",
            "GET /v1/events", "GET /v1/units/{unit}/consultations",
        ])
        let f = try await APIFixture.make(expirySeconds: 0.05)
        try await f.run { client in
            let red = #"{"hospitalId":"771436","pzc":"421701","eta":"2026-11-23T10:30:00Z","unit":"RTW-1","district":"Vorpommern-Rügen"}"#
            let a = try await client.execute(uri: "/v1/announcements", method: .post, headers: f.headers(.dispatcher), body: body(red))
            let announcement = try #require(a.json["announcementId"] as? String, "\(a.text)")
            let c = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                             body: body(#"{"kind":"crew-advice","priority":1,"district":"Vorpommern-Rügen","unit":"RTW-1","note":"Sturz"}"#))
            let consultation = try #require(c.json["consultationId"] as? String, "\(c.text)")
            // Both become alarms (an escalated red announcement, a request nobody took), so the alarm list has cases too.
            f.clock.advance(minutes: 6)
            for _ in 0..<100 {
                let r = try await client.execute(uri: "/v1/alarms", method: .get, headers: f.headers(.admin))
                if (r.json["alarms"] as? [Any])?.count == 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let port = try #require(client.port)
            for op in ops {
                let template = String(op.dropFirst(4))
                let path = template.replacingOccurrences(of: "{unit}", with: "RTW-1")
                    .replacingOccurrences(of: "{id}", with: template.hasPrefix("/v1/announcements") ? announcement : consultation)
                if template == "/v1/events" {
                    let stream = try RawHTTPStream(port: port, path: "/v1/events?after=0", headers: ["Authorization": "Bearer \(f.tokens[.dispatcher]!)"])
                    let text = await stream.read { $0.contains(announcement) && $0.contains(consultation) }
                    #expect(text.contains(announcement) && text.contains(consultation))
                } else {
                    let r = try await client.execute(uri: path + (template == "/v1/consultations/{id}" ? "?reason=Test" : ""), method: .get,
                                                     headers: f.headers(.dispatcher))
                    #expect(r.status == .ok, "\(op): \(r.text)")
                }
            }
            func audit(_ id: String) async throws -> [[String: Any]] {
                let r = try await client.execute(uri: "/v1/audit?case=\(id)", method: .get, headers: f.headers(.admin))
                #expect(r.status == .ok, "\(r.text)")
                return r.json["entries"] as? [[String: Any]] ?? []
            }
            let seenA = try await audit(announcement), seenC = try await audit(consultation)
            func routes(_ entries: [[String: Any]]) -> Set<String> {
                Set(entries.filter { $0["principal"] as? String == "dispatcher:test-dispatcher" }.compactMap { $0["route"] as? String })
            }
            #expect(routes(seenA) == ["/v1/announcements", "/v1/announcements/{id}", "/v1/alarms", "/v1/events"], "\(seenA)")
            #expect(routes(seenC) == ["/v1/consultations", "/v1/units/{unit}/consultations", "/v1/consultations/{id}", "/v1/alarms", "/v1/events"],
                    "\(seenC)")
            // Why: the role's standing purpose for lists and streams, the reason given for a detail read.
            #expect(seenA.contains { $0["route"] as? String == "/v1/announcements" && $0["reason"] as? String == "Einsatzlenkung der Leitstelle" })
            #expect(seenC.contains { $0["route"] as? String == "/v1/consultations/{id}" && $0["reason"] as? String == "Test" })
            // The admin's own polling above is on record too; a case nobody read has no entry; the log holds the reads.
            #expect(seenC.contains { $0["principal"] as? String == "admin:test-admin" && $0["route"] as? String == "/v1/alarms" })
            #expect(try await audit("A-unknown").isEmpty)
            // A page re-fetching its list does not grow the record: the same reader, route and case once per 10 minutes.
            func listReads() async throws -> Int {
                try await audit(announcement).filter { $0["route"] as? String == "/v1/announcements" && $0["principal"] as? String == "dispatcher:test-dispatcher" }.count
            }
            for _ in 0..<3 { _ = try await client.execute(uri: "/v1/announcements", method: .get, headers: f.headers(.dispatcher)) }
            #expect(try await listReads() == 1)
            f.clock.advance(minutes: 11)
            _ = try await client.execute(uri: "/v1/announcements", method: .get, headers: f.headers(.dispatcher))
            #expect(try await listReads() == 2)
            // The records of reads are not sent on the event stream (a page would read again on each): admins ask /v1/audit.
            let admin = try RawHTTPStream(port: port, path: "/v1/events?after=0", headers: ["Authorization": "Bearer \(f.tokens[.admin]!)"])
            let all = await admin.read { $0.contains("ConsultationDetailsRead") }
            #expect(all.contains("ConsultationDetailsRead") && !all.contains("PersonalDataRead"))
            #expect(try await client.execute(uri: "/v1/audit?case=\(announcement)", method: .get, headers: f.headers(.dispatcher)).status == .forbidden)
        }
    }

    /// "Who saw this case" a page at a time: following `next` gives every entry once, in the order of one big page,
    /// with and without a case; the last page has no `next`.
    @Test func theAuditIsReadInPagesThatAddUpToTheWhole() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let c = try await client.execute(uri: "/v1/consultations", method: .post, headers: f.headers(.crew),
                                             body: body(#"{"kind":"crew-advice","priority":1,"district":"Vorpommern-Rügen","unit":"RTW-1"}"#))
            let consultation = try #require(c.json["consultationId"] as? String, "\(c.text)")
            // Detail reads (each on record) and list reads (once per 10 minutes per reader) interleaved.
            for i in 0..<5 {
                _ = try await client.execute(uri: "/v1/consultations/\(consultation)?reason=Pr%C3%BCfung\(i)", method: .get, headers: f.headers(.admin))
                _ = try await client.execute(uri: "/v1/consultations", method: .get, headers: f.headers(.dispatcher))
                f.clock.advance(minutes: 11)
            }
            func entries(_ query: String) async throws -> [[String: Any]] {
                let r = try await client.execute(uri: "/v1/audit?" + query, method: .get, headers: f.headers(.admin))
                #expect(r.status == .ok, "\(r.text)")
                return try #require(r.json["entries"] as? [[String: Any]])
            }
            func paged(_ query: String, limit: Int) async throws -> (entries: [[String: Any]], pages: Int) {
                var all: [[String: Any]] = [], after: String? = nil, pages = 0
                repeat {
                    let parts = [query, "limit=\(limit)", after.map { "after=\($0)" } ?? ""].filter { !$0.isEmpty }
                    let r = try await client.execute(uri: "/v1/audit?" + parts.joined(separator: "&"), method: .get, headers: f.headers(.admin))
                    all += try #require(r.json["entries"] as? [[String: Any]])
                    after = r.json["next"] as? String
                    pages += 1
                } while after != nil && pages < 100
                return (all, pages)
            }
            func key(_ e: [String: Any]) -> String { "\(e["at"] ?? "")|\(e["principal"] ?? "")|\(e["route"] ?? "")|\(e["reason"] ?? "")" }
            for query in ["", "case=\(consultation)"] {
                let whole = try await entries([query, "limit=5000"].filter { !$0.isEmpty }.joined(separator: "&"))
                #expect(whole.filter { $0["route"] as? String == "/v1/consultations/{id}" }.count == 5)
                #expect(whole.filter { $0["route"] as? String == "/v1/consultations" }.count >= 5)
                let (pagedEntries, pages) = try await paged(query, limit: 1)
                #expect(pages >= 5, "small pages")
                #expect(pagedEntries.map(key) == whole.map(key))
            }
        }
    }
}
