import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

/// The structured access log: one JSON line per request with the route template, status, duration and caller — never
/// a token, a path value or a query (which may carry a reason naming a patient).
@Suite struct AccessLogTests {
    @Test func everyRequestIsOneJSONLineWithoutTokensOrPersonalData() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-access-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let f = try await APIFixture.make(accessLog: path)
        try await f.run { client in
            _ = try await client.execute(uri: "/v1/hospitals/772096", method: .get, headers: f.headers(.hospital))
            _ = try await client.execute(uri: "/v1/consultations/C-unbekannt?reason=Anruf%20Frau%20Meier", method: .get, headers: f.headers(.physician))
            _ = try await client.execute(uri: "/v1/board", method: .get)
            _ = try await client.execute(uri: "/healthz", method: .get)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 4 && lines.allSatisfy { $0 != nil }, "\(text)")
        let l = lines.compactMap { $0 }
        #expect(l[0]["route"] as? String == "/v1/hospitals/{id}" && l[0]["status"] as? Int == 200 && l[0]["principal"] as? String == "hospital:test-hospital")
        #expect(l[1]["route"] as? String == "/v1/consultations/{id}" && l[1]["status"] as? Int == 404 && l[1]["principal"] as? String == "physician:test-physician")
        #expect(l[2]["status"] as? Int == 401 && l[2]["principal"] == nil)
        #expect(l[3]["route"] as? String == "/healthz" && l[3]["status"] as? Int == 200)
        #expect(l.allSatisfy { $0["requestId"] as? String != nil && $0["durationMs"] as? Double != nil && $0["at"] as? String != nil })
        for secret in [f.tokens[.hospital]!, f.tokens[.physician]!, "Meier", "reason", "772096", "C-unbekannt"] {
            #expect(!text.contains(secret), "the access log contains \(secret.prefix(20))")
        }
    }
}
