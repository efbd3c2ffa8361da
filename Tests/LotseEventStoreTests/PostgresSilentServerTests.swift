import Foundation
import LotsePostgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A host that accepts the TCP connection and then never answers (a machine that died in the handshake): the connector
/// gives up on it after its time limit and goes on to the next host, instead of holding a pool slot (and with it the
/// node's projection) forever. postgres-nio's connect timeout covers TCP and start-up; Lotse's limit covers the whole
/// set-up including the recovery probe of a writing node.
@Suite(.timeLimit(.minutes(1)))
struct PostgresSilentServerTests {
    /// A listening socket that never accepts: the kernel completes the TCP handshake, nobody ever speaks.
    final class SilentListener: Sendable {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard bound == 0, listen(fd, 16) == 0 else {
                close(fd)
                throw POSIXError(.EADDRNOTAVAIL)
            }
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
        }

        deinit { close(fd) }
    }

    @Test func aServerThatNeverAnswersIsGivenUpOn() async throws {
        let silent = try SilentListener()
        do {
            _ = try await PostgresEventStore.open(try PostgresStoreURL("postgres://lotse:lotse@127.0.0.1:\(silent.port)/lotse", environment: [:]))
            Issue.record("a silent server opened")
        } catch {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("127.0.0.1:\(silent.port): "), "\(error)")
        }
    }

    @Test(.enabled(if: PostgresTestServer.url != nil, "LOTSE_TEST_POSTGRES not set"))
    func theNextHostIsTriedAfterASilentOne() async throws {
        let silent = try SilentListener()
        let real = try PostgresTestServer.freshURL()
        let url = PostgresStoreURL(hosts: [.init(name: "127.0.0.1", port: silent.port)] + real.hosts, user: real.user, password: real.password,
                                   database: real.database, schema: real.schema)
        let store = try await PostgresEventStore.open(url)
        defer { store.close() }
        #expect(try await store.head() == 0)
    }
}
