import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// Two `lotse serve` nodes on one PostgreSQL log (issue 11): a write on A is read on B (`minPosition`) and arrives on
/// B's event stream; `kill -9` of A during a stream of writes loses no acknowledged write, B keeps answering and takes
/// the timers over, and A catches up when it comes back.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOTSE_TEST_POSTGRES"] != nil, "LOTSE_TEST_POSTGRES not set"))
struct MultiNodeTests {
    let http = HTTP(client: .shared)
    /// The nodes share one JWKS file; node A's `--demo` creates it with the signing key and prints tokens.
    let keys: [String: String] = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-keys-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return ["LOTSE_JWKS": dir + "/jwks.json", "LOTSE_SIGNING_KEY": dir + "/signing-key.pem", "LOTSE_MASTER_KEY": dir + "/master-key"]
    }()

    func storeURL() -> String {
        let base = ProcessInfo.processInfo.environment["LOTSE_TEST_POSTGRES"]!
        return base + (base.contains("?") ? "&" : "?") + "schema=n_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    func ready(_ node: ServerNode) async throws -> [String: Any] {
        try await http.send(.GET, node.base + "/readyz").json
    }

    @Test func twoNodesShareOneLogAndSurviveTheLossOfOne() async throws {
        let url = storeURL()
        let a = try ServerNode(["--store", url, "--demo"], environment: keys)
        let b = try ServerNode(["--store", url], environment: keys)
        defer { a.stop(); b.stop() }
        let dispatcher = try #require(a.token(after: "Leitstelle Vorpommern-Rügen"))
        let hospital = try #require(a.token(after: "Sana-Krankenhaus Rügen, Bergen"))
        let admin = try #require(a.token(after: "Betrieb / ÄLRD"))

        // B's event stream, read as it arrives — resumed from B's position before the writes below, so that it
        // delivers them however long the request takes to be registered (a stream without Last-Event-ID starts at
        // "now", which under load can be after the write).
        let before = try #require(try await ready(b)["projectionPosition"] as? Int)
        let stream = Locked("")
        let sse = Task {
            var request = HTTPClientRequest(url: b.base + "/v1/events")
            request.headers.add(name: "Authorization", value: "Bearer \(dispatcher)")
            request.headers.add(name: "Last-Event-ID", value: "\(before)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            for try await chunk in response.body { stream.withLock { $0 += String(buffer: chunk) } }
        }
        defer { sse.cancel() }

        // Write on A, read on B.
        let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(7200))
        let closed = try await http.send(.PUT, a.base + "/v1/hospitals/772096/resources/stroke-unit/closure", token: hospital,
                                         json: #"{"reason":"Personalmangel","until":"\#(until)"}"#)
        #expect(closed.status == 200)
        let position = try #require(closed.json["position"] as? Int)
        let answer = try await http.send(.GET, b.base + "/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&minPosition=\(position)", token: dispatcher)
        #expect(answer.status == 200)
        #expect((answer.json["logPosition"] as? Int ?? 0) >= position)
        let candidates = (answer.json["candidates"] as? [[String: Any]] ?? []).compactMap { $0["hospitalId"] as? String }
        let excluded = (answer.json["excluded"] as? [[String: Any]] ?? []).compactMap { $0["hospitalId"] as? String }
        #expect(!candidates.contains("772096") && excluded.contains("772096"))
        // A token revoked on A is refused by B from the projection step that applies the revocation (and by A).
        let crew = try #require(a.token(after: "RTW Bergen 1"))
        #expect(try await http.send(.GET, b.base + "/v1/hospitals/772096", token: crew).status == 200)  // now in B's token cache
        let revoked = try await http.send(.POST, a.base + "/v1/revocations", token: admin,
                                          json: #"{"jti":"\#(try jti(of: crew))","reason":"Tablet gestohlen"}"#)
        #expect(revoked.status == 201, "\(revoked.json)")
        let revokedAt = try #require(revoked.json["position"] as? Int)
        #expect(try await http.send(.GET, b.base + "/v1/board?minPosition=\(revokedAt)", token: admin).status == 200)
        #expect(try await http.send(.GET, b.base + "/v1/hospitals/772096", token: crew).status == 401)
        #expect(try await http.send(.GET, a.base + "/v1/board?minPosition=\(revokedAt)", token: admin).status == 200)
        #expect(try await http.send(.GET, a.base + "/v1/hospitals/772096", token: crew).status == 401)

        // … and the write arrives on B's event stream.
        var arrived = false
        for _ in 0..<100 {
            let text = stream.withLock { $0 }
            if text.contains("id: \(position)\n"), text.contains("ResourceClosed") { arrived = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(arrived, "B's event stream did not deliver position \(position)")

        // The timers run on exactly one node: A (it started first).
        #expect(try await ready(a)["timers"] as? Bool == true)
        #expect(try await ready(b)["timers"] as? Bool == false)

        // A stream of writes to A; A dies by SIGKILL in the middle of it.
        let detail = try await http.send(.GET, a.base + "/v1/hospitals/771436", token: admin).json
        let resources = (detail["resources"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? String }
        #expect(resources.count >= 3)
        let acks = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                let resource = resources[w % resources.count]
                g.addTask {
                    while true {
                        guard let r = try? await http.send(.PUT, a.base + "/v1/hospitals/771436/resources/\(resource)/status", token: admin,
                                                           json: #"{"status":"available"}"#, timeout: .seconds(5)), r.status == 200,
                              let p = r.json["position"] as? Int
                        else { return }
                        acks.withLock { $0.append(p) }
                    }
                }
            }
            while acks.withLock({ $0.count }) < 150 { try await Task.sleep(for: .milliseconds(5)) }
            a.kill9()
            try await g.waitForAll()
        }
        let acknowledged = acks.withLock { $0 }
        #expect(acknowledged.count >= 150)

        // Every write A acknowledged is in the log.
        let log = try CLIRunner.run(["events", "--store", url, "--limit", "1000000"])
        #expect(log.status == 0, "\(log.stderr)")
        var reported = Set<Int>()
        for line in log.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t")
            if f.count >= 3, f[2].hasPrefix("ResourceStatusReported/"), let p = Int(f[0]) { reported.insert(p) }
        }
        let missing = acknowledged.filter { !reported.contains($0) }
        #expect(missing.isEmpty, "acknowledged but not in the log: \(missing.prefix(10))")

        // B keeps answering, and takes the timers over within seconds.
        #expect(try await http.send(.GET, b.base + "/v1/board", token: dispatcher).status == 200)
        let lost = Date()
        var takenOver: TimeInterval?
        for _ in 0..<300 {
            if try await ready(b)["timers"] as? Bool == true { takenOver = Date().timeIntervalSince(lost); break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = try #require(takenOver, "B did not take the timers over")
        print("multi-node: \(acknowledged.count) writes acknowledged by A before kill -9, all in the log; B took the timers over after \(String(format: "%.1f", seconds)) s")
        #expect(seconds < 20)

        // A write on B still works; A comes back and catches up with everything.
        let reopened = try await http.send(.DELETE, b.base + "/v1/hospitals/772096/resources/stroke-unit/closure", token: hospital)
        #expect(reopened.status == 200)
        let last = try #require(reopened.json["position"] as? Int)
        let a2 = try ServerNode(["--store", url], environment: keys)
        defer { a2.stop() }
        let back = try await ready(a2)
        #expect((back["projectionPosition"] as? Int ?? 0) >= last)
        #expect(back["status"] as? String == "ready")
        #expect(back["timers"] as? Bool == false)
    }
}

/// The `jti` claim of a token (read without verifying it).
func jti(of token: String) throws -> String {
    var b64 = String(token.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while b64.count % 4 != 0 { b64 += "=" }
    let data = try #require(Data(base64Encoded: b64))
    let claims = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return try #require(claims?["jti"] as? String)
}

/// A value shared between the tasks of a test.
final class Locked<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ v: Value) { value = Mutex(v) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
