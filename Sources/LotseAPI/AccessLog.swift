import Foundation
import Hummingbird
import LotseApplication
import LotseDomain
import Synchronization

/// The structured access log: one JSON line per request — time, request id, method, the route *template*
/// (`/v1/consultations/{id}`, never the path or the query, which may carry a reason or a name), status, duration and
/// the caller (`role:subject`) — never a token, never a personal field. `--access-log FILE` (or `-` for standard output).
final class AccessLog: Sendable {
    /// The caller of the request being logged, filled in by `AuthMiddleware` (a task-local: the access log wraps the
    /// whole request, the token is verified further in).
    @TaskLocal static var caller: CallerBox?

    final class CallerBox: Sendable {
        let principal = Mutex<String?>(nil)
    }

    private let handle: FileHandle
    private let lock = Mutex(())

    init(path: String) throws {
        if path == "-" {
            handle = .standardOutput
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640]) else {
                throw CocoaError(.fileWriteNoPermission)
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    func write(method: String, route: String, status: Int, duration: Duration, requestId: String, principal: String?, at: Timestamp) {
        var w = JSONWriter(capacity: 200)
        w.object { w in
            w.field("at") { $0.timestamp(at) }
            w.field("requestId") { $0.string(requestId) }
            w.field("method") { $0.string(method) }
            w.field("route") { $0.string(route) }
            w.field("status") { $0.int(status) }
            w.field("durationMs") { $0.double((duration / .microseconds(1)).rounded() / 1000) }
            if let principal { w.field("principal") { $0.string(principal) } }
        }
        let line = Data(w.bytes + [0x0A])
        lock.withLock { _ in handle.write(line) }
    }
}

/// Writes the access log line of every request (outermost, so it sees the final status of every answer).
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: AccessLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let box = AccessLog.CallerBox()
        func write(_ status: Int) {
            log.write(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status, duration: ContinuousClock.now - start,
                      requestId: context.id, principal: box.principal.withLock { $0 }, at: Timestamp(millis: Int64(Date().timeIntervalSince1970 * 1000)))
        }
        do {
            let response = try await AccessLog.$caller.withValue(box) { try await next(request, context) }
            write(Int(response.status.code))
            return response
        } catch {
            write(Int(Problem.from(error).status.code))
            throw error
        }
    }
}
