import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LotseAPI
import Testing

/// The web pages: served without a token (they hold no data), under a strict CSP, only same-origin resources;
/// the reference data behind their pickers needs a token like every `/v1` route.
@Suite struct WebPagesTests {
    @Test func pagesAreServedWithAStrictPolicyAndNoExternalResources() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            for (path, type) in [("/", "text/html"), ("/ui/leitstelle.html", "text/html"), ("/ui/klinik.html", "text/html"),
                                 ("/ui/telenotarzt.html", "text/html"), ("/ui/manv.html", "text/html"), ("/ui/manv.js", "text/javascript"), ("/ui/lotse.js", "text/javascript"), ("/ui/lotse.css", "text/css")] {
                let r = try await client.execute(uri: path, method: .get)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType]?.hasPrefix(type) == true, "\(path)")
                let csp = r.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path): \(csp)")
                // No external network resources, no inline scripts or styles.
                let text = r.text
                #expect(!text.contains("http://") && !text.contains("https://") || path.hasSuffix(".js"), "\(path)")
                #expect(!text.contains("style=\""), "\(path): inline style")
                if path.hasSuffix(".html") || path == "/" {
                    #expect(text.contains("<html lang=\"de\">"), "\(path)")
                    #expect(!text.contains("<script>") && !text.contains("onclick="), "\(path): inline script")
                }
            }
            let missing = try await client.execute(uri: "/ui/gibt-es-nicht.html", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func referenceDataForThePickers() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let anonymous = try await client.execute(uri: "/v1/reference/codes", method: .get)
            #expect(anonymous.status == .unauthorized)
            let codes = try await client.execute(uri: "/v1/reference/codes", method: .get, headers: f.headers(.crew))
            #expect(codes.status == .ok)
            let list = codes.json["codes"] as? [[String: Any]] ?? []
            let stroke = list.first { $0["rmi"] as? String == "421" }
            #expect(stroke?["rankable"] as? Bool == true)
            #expect(stroke?["allowedUrgencies"] as? [Int] == [1])
            #expect(list.first { $0["rmi"] as? String == "000" }?["rankable"] as? Bool == false)
            let places = try await client.execute(uri: "/v1/reference/municipalities", method: .get, headers: f.headers(.hospital))
            let ms = places.json["municipalities"] as? [[String: Any]] ?? []
            #expect(ms.count == 726)
            #expect(ms.contains { ($0["name"] as? String)?.hasPrefix("Dranske") == true && $0["district"] as? String == "Vorpommern-Rügen" })
        }
    }
}
