import Foundation
import LotseAPI
import Testing

/// `Docs/openapi.yaml` and the server's route table must describe the same routes.
@Suite struct OpenAPITests {
    /// (METHOD, path) pairs of the document: path keys two spaces deep under `paths:`, methods four spaces deep.
    static func documentedRoutes() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var inPaths = false, current: String? = nil
        var out = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
            } else if let current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(String(key)) { out.insert("\(key.uppercased()) \(current)") }
            }
        }
        return out
    }

    @Test func documentAndRouteTableAgree() async throws {
        let f = try await APIFixture.make()
        defer { f.store.close() }
        let served = Set(LotseServer.routes(f.api).map { "\($0.method.rawValue) \($0.path)" })
        let documented = try Self.documentedRoutes()
        #expect(!documented.isEmpty)
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }
}
