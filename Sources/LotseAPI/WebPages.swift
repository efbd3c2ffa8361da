import Foundation
import HTTPTypes
import Hummingbird

/// The German web pages (Leitstelle, Klinik, Telenotarzt): plain HTML, CSS and JavaScript modules bundled with
/// the binary (`Sources/LotseAPI/Web`), no build step, no external resources. The pages hold no data — every
/// figure comes from `/v1` with the signed-in token — so they are served without authentication, under a
/// strict Content-Security-Policy (only this origin; no inline scripts or styles).
struct WebPages: Sendable {
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
    }

    let files: [String: File]

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-cache",
    ]

    /// Reads every file of the bundled `Web` folder once.
    init() throws {
        guard let dir = Bundle.module.url(forResource: "Web", withExtension: nil) else { throw WebPagesError.missing }
        var out: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let type: String
            switch (name as NSString).pathExtension {
            case "html": type = "text/html; charset=utf-8"
            case "css": type = "text/css; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "svg": type = "image/svg+xml"
            default: continue
            }
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            out[name] = File(bytes: Array(data), contentType: type)
        }
        files = out
    }

    /// `/` is the sign-in page; `/ui/<file>` the pages and their scripts.

    func register(on router: Router<LotseRequestContext>) {
        router.get("/") { _, _ in try response("index.html") }
        router.get("/ui/{file}") { _, context in try response(try context.parameters.require("file")) }
    }

    func response(_ name: String) throws -> Response {
        guard let f = files[name] else { throw Problem.notFound("Seite \(name) gibt es nicht / no such page") }
        var headers = Self.securityHeaders
        headers[.contentType] = f.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: f.bytes)))
    }
}

enum WebPagesError: Error, CustomStringConvertible {
    case missing
    var description: String { "Die Web-Seiten fehlen im Programmpaket (Sources/LotseAPI/Web) / web pages missing from the bundle" }
}
