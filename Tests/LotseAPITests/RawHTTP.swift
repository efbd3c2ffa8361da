import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client on a real socket, for streaming responses (SSE) that the test framework's
/// client would wait on forever.
final class RawHTTPStream {
    private let fd: Int32
    private var buffer = Data()

    /// Connects to 127.0.0.1:`port` and sends a GET with `headers`; reads time out after `timeout` seconds.
    init(port: Int, path: String, headers: [String: String], timeout: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
    }

    deinit { close(fd) }

    /// Reads until `predicate` holds for everything received so far, or the read times out. The blocking reads run
    /// on a thread of their own: blocking one of the two cooperative threads would starve the server under test.
    func read(until predicate: @escaping @Sendable (String) -> Bool) async -> String {
        await withCheckedContinuation { (c: CheckedContinuation<String, Never>) in
            let box = UncheckedBox(self)
            Thread { c.resume(returning: box.value.blockingRead(until: predicate)) }.start()
        }
    }

    private func blockingRead(until predicate: (String) -> Bool) -> String {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !predicate(String(decoding: buffer, as: UTF8.self)) {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The `id:` values of the SSE frames received so far.
    static func ids(in text: String) -> [Int] {
        // "\r\n" is one Character in Swift, so normalise line ends before splitting.
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").compactMap { line in line.hasPrefix("id: ") ? Int(line.dropFirst(4).trimmingCharacters(in: .whitespaces)) : nil }
    }
}

/// Hands a non-Sendable reference to the reading thread. `@unchecked`: the test awaits that thread before it
/// touches the stream again, so there is never concurrent access.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
