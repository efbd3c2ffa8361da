import Foundation
import LotseAPI
import LotseTokens
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

    /// One operation of the document: its response statuses, whether it takes a body, its query parameters.
    struct Operation {
        var statuses: Set<Int> = []
        var hasBody = false
        var query: Set<String> = []
        /// `x-personal-data: true`: the operation returns patient-related records, and every call is on record.
        var personalData = false
    }

    /// The operations of the document by "METHOD path" (the document's own layout: responses 8 spaces deep,
    /// parameters as flow mappings `{ name: …, in: query … }`, shared parameters by `$ref`).
    static func documentedOperations() throws -> [String: Operation] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var ops: [String: Operation] = [:]
        var inPaths = false, path: String? = nil, current: String? = nil, section = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") { path = String(line.dropFirst(2).dropLast()); current = nil; continue }
            guard let p = path else { continue }
            let indent = line.prefix { $0 == " " }.count
            let body = line.trimmingCharacters(in: .whitespaces)
            if indent == 4, ["get:", "put:", "post:", "delete:", "patch:"].contains(body) {
                current = "\(body.dropLast().uppercased()) \(p)"
                ops[current!] = Operation()
                continue
            }
            guard let op = current else { continue }
            if indent == 6 { section = String(body.prefix { $0 != ":" }) }
            if indent == 6, body.hasPrefix("requestBody:") { ops[op]?.hasBody = true }
            if indent == 6, body == "x-personal-data: true" { ops[op]?.personalData = true }
            if section == "responses", indent == 8, body.hasPrefix("\""), let code = Int(body.dropFirst().prefix(3)) { ops[op]?.statuses.insert(code) }
            if section == "parameters" {
                for m in body.matches(of: /name: ([A-Za-z]+), in: query/) { ops[op]?.query.insert(String(m.1)) }
                if body.contains("#/components/parameters/MinPosition") { ops[op]?.query.insert("minPosition") }
            }
        }
        return ops
    }

    /// Every status an operation can answer is documented: 400 (a query parameter it does not define, a bad
    /// value), 401 and 429 behind the token, 403 where not every role may call it, 404 for path parameters, 413 and
    /// 415 for bodies, 422 and 503 for commands (a reused Idempotency-Key, the store unreachable) and for reads that
    /// wait for a log position or read the store; and its query parameters are exactly those the route accepts.
    @Test func everyOperationDocumentsEveryStatusItCanAnswer() async throws {
        let f = try await APIFixture.make()
        defer { f.store.close() }
        let ops = try Self.documentedOperations()
        let readsTheStore: Set<String> = ["/v1/events", "/v1/audit", "/v1/revocations", "/v1/consultations/{id}", "/v1/announcements/{id}"]
        for route in LotseServer.routes(f.api) {
            let key = "\(route.method.rawValue) \(route.path)"
            let op = try #require(ops[key], "\(key) not documented")
            var required: Set<Int> = [400]
            if !route.roles.isEmpty {
                required.formUnion([401, 429])
                if route.roles != Set(Role.allCases) { required.insert(403) }
                if route.path.contains("{"), !route.path.hasPrefix("/v1/physicians/") { required.insert(404) }  // physicians: id ≠ subject is 403
                if op.hasBody { required.formUnion([413, 415]) }
                if route.method != .get || route.query.contains("minPosition") { required.formUnion([422, 503]) }
                if readsTheStore.contains(route.path) { required.insert(503) }
            }
            let missing = required.subtracting(op.statuses)
            #expect(missing.isEmpty, "\(key) does not document \(missing.sorted())")
            #expect(op.query == route.query, "\(key): document's query parameters \(op.query.sorted()) ≠ served \(route.query.sorted())")
        }
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
