import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A `lotse serve` process started by a test: its base URL, what it printed, and a way to kill it.
final class ServerNode: @unchecked Sendable {
    // @unchecked: `process` is set once in init; the output is behind a mutex.
    let process = Process()
    private let output = Locked("")
    private(set) var base = ""

    /// Starts `lotse serve` with `arguments` (a free port is chosen) and waits until it listens.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = CLIRunner.binary
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let handle = pipe.fileHandleForReading
        let output = self.output
        try process.run()
        // A plain thread reads until end of file (the child exited). Not `readabilityHandler`: its dispatch read
        // source can outlive the descriptor it watches when the pipe is released, and libdispatch then crashes
        // the whole test process (signal 11 in `_dispatch_event_loop_drain`, seen once in CI).
        Thread.detachNewThread {
            while true {
                let d = handle.availableData
                if d.isEmpty { break }
                output.withLock { $0 += String(decoding: d, as: UTF8.self) }
            }
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = output.withLock { $0 }
            if let r = text.range(of: #"https?://127\.0\.0\.1:[0-9]+"#, options: .regularExpression), text.contains("Lotse läuft auf") {
                base = String(text[r])
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw NodeError("lotse serve did not start: \(output.withLock { $0 })")
    }

    var printed: String { output.withLock { $0 } }

    /// The token printed on the line after the one containing `label` (the demo tokens).
    func token(after label: String) -> String? {
        let lines = printed.split(separator: "\n")
        guard let i = lines.firstIndex(where: { $0.contains(label) }), i + 1 < lines.count else { return nil }
        return lines[i + 1].trimmingCharacters(in: .whitespaces)
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

struct NodeError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Small JSON-over-HTTP helpers on one AsyncHTTPClient.
struct HTTP: Sendable {
    let client: HTTPClient

    struct Reply: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    func send(_ method: HTTPMethod, _ url: String, token: String? = nil, json body: String? = nil, timeout: TimeAmount = .seconds(10)) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return Reply(status: Int(response.status.code), headers: headers, body: Data(bytes.readableBytesView))
    }
}
