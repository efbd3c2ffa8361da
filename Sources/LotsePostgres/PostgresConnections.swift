import Logging
import NIOCore
import PostgresNIO
import LotseEventStore
import Synchronization

/// Opens connections to the first suitable server of a `PostgresStoreURL`'s host list: for a writing node the first
/// that accepts writes (after a failover that is the promoted standby), for a read-only node the first that answers.
final class PostgresConnector: Sendable {
    let url: PostgresStoreURL
    let logger: Logger
    let connectTimeout: Duration
    private let nextID = Atomic<Int>(1)

    init(url: PostgresStoreURL, logger: Logger, connectTimeout: Duration = .seconds(3)) {
        self.url = url
        self.logger = logger
        self.connectTimeout = connectTimeout
    }

    /// A connection to the first host that answers and suits `target` (default: the URL's). Each host gets
    /// `connectTimeout` for TCP, start-up and authentication (postgres-nio's connect timeout) and again for the recovery
    /// probe of a writing node (the connection is closed when the probe does not answer): a server that accepted the
    /// connection and then never answers must not hold a pool slot, and with it a node's projection, forever.
    func connect(target: PostgresStoreURL.SessionTarget? = nil) async throws(PostgresStoreError) -> PostgresConnection {
        let target = target ?? url.target
        var failures: [String] = []
        for host in url.hosts {
            switch await attempt(host, target: target) {
            case let .connected(connection): return connection
            case let .refused(reason): throw reason
            case let .skipped(reason): failures.append("\(host.name):\(host.port): \(reason)")
            }
        }
        let what = target == .readWrite ? "kein PostgreSQL-Server nimmt Schreibzugriffe an" : "kein PostgreSQL-Server erreichbar"
        throw .unreachable("\(what) (\(failures.joined(separator: "; ")))")
    }

    /// What one host said.
    private enum Attempt: Sendable {
        case connected(PostgresConnection)
        /// Wrong credentials or not Lotse's database: the same on every host, so the caller is told at once.
        case refused(PostgresStoreError)
        /// Unreachable, or a standby where writes are wanted: try the next host.
        case skipped(String)
    }

    private func attempt(_ host: PostgresStoreURL.Host, target: PostgresStoreURL.SessionTarget) async -> Attempt {
        var config = PostgresConnection.Configuration(
            host: host.name, port: host.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        config.options.connectTimeout = .milliseconds(connectTimeout.components.seconds * 1000 + connectTimeout.components.attoseconds / 1_000_000_000_000_000)
        config.options.additionalStartupParameters = [("application_name", "lotse")]
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: config, id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger)
        } catch {
            let reason = Self.describe(error)
            if case .authentication = reason { return .refused(reason) }
            if case .foreignDatabase = reason { return .refused(reason) }
            return .skipped(reason.description)
        }
        guard target == .readWrite else { return .connected(connection) }
        let watchdog = Task {
            try await Task.sleep(for: connectTimeout)
            connection.closeSoon()
        }
        defer { watchdog.cancel() }
        do {
            let recovering = try await connection.query("SELECT pg_is_in_recovery()", logger: logger).collectFirst(Bool.self) ?? true
            if !recovering { return .connected(connection) }
            connection.closeSoon()
            return .skipped("Standby (nur lesend)")
        } catch {
            connection.closeSoon()
            return .skipped(Self.describe(error).description)
        }
    }

    /// One German line for a connection error.
    static func describe(_ error: any Error) -> PostgresStoreError {
        if let e = error as? PostgresStoreError { return e }
        if let p = error as? PSQLError {
            let state = p.serverInfo?[.sqlState]
            let message = p.serverInfo?[.message] ?? "\(p.code)"
            switch state {
            case "28P01", "28000": return .authentication("PostgreSQL lehnt Benutzer oder Passwort ab: \(message)")
            case "3D000": return .foreignDatabase("Datenbank existiert nicht: \(message)")
            default: break
            }
            if p.code == .authMechanismRequiresPassword {
                return .authentication("PostgreSQL verlangt ein Passwort (in der URL oder PGPASSWORD)")
            }
            if p.code == .server { return .unreachable("Serverfehler \(state ?? ""): \(message)") }
            if let underlying = p.underlying { return .unreachable("nicht erreichbar: \(shortReason(underlying))") }
            return .unreachable("nicht erreichbar: \(p.code)")
        }
        return .unreachable("nicht erreichbar: \(shortReason(error))")
    }

    /// The reason of a network error in a few words (NIO's descriptions run to several lines' worth).
    static func shortReason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Connection refused") { return "Verbindung abgelehnt" }
        if text.contains("timed out") || text.contains("Timeout") || text.contains("timeout") { return "Zeitüberschreitung" }
        if text.contains("reset by peer") || text.contains("Broken pipe") || text.contains("EOF") { return "Verbindung abgebrochen" }
        return String(text.prefix(160)).replacingOccurrences(of: "\n", with: " ")
    }
}

/// A small pool of connections from a `PostgresConnector`: at most `limit` open, handed out one caller at a time,
/// dropped when they broke (the next caller connects again — to the new primary after a failover).
final class PostgresConnectionPool: Sendable {
    private enum Grant: Sendable {
        case connection(PostgresConnection)
        case create
        case closed
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Grant, Never>] = []
        var closed = false
    }

    let connector: PostgresConnector
    let limit: Int
    private let state = Mutex(State())

    init(connector: PostgresConnector, limit: Int) {
        self.connector = connector
        self.limit = limit
    }

    /// Runs `body` with a connection of the pool. A server that stops answering (a dead machine sends no reset) must
    /// not hold a node forever: after `timeout` the connection is closed, which fails whatever waits on it.
    func withConnection<T: Sendable>(timeout: Duration = .seconds(10), _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await take()
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            connection.closeSoon()
        }
        defer { watchdog.cancel() }
        do {
            let r = try await body(connection)
            give(connection)
            return r
        } catch {
            give(connection)
            throw error
        }
    }

    private func take() async throws -> PostgresConnection {
        while true {
            let grant: Grant = await withCheckedContinuation { c in
                let now: Grant? = state.withLock { s in
                    if s.closed { return .closed }
                    if let conn = s.idle.popLast() { return .connection(conn) }
                    if s.open < limit {
                        s.open += 1
                        return .create
                    }
                    s.waiters.append(c)
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
            switch grant {
            case .closed:
                throw EventStoreError.closed
            case let .connection(conn):
                if !conn.isClosed { return conn }
                give(conn)  // broken while idle: the slot goes to a waiter or is freed
            case .create:
                do {
                    return try await connector.connect()
                } catch {
                    release(slotOf: nil)
                    throw error
                }
            }
        }
    }

    private func give(_ connection: PostgresConnection) {
        release(slotOf: connection.isClosed ? nil : connection)
    }

    /// Returns a connection (or, with nil, the slot of one that broke or could not be opened).
    private func release(slotOf connection: PostgresConnection?) {
        let (waiter, grant, closeIt): (CheckedContinuation<Grant, Never>?, Grant, PostgresConnection?) = state.withLock { s in
            if s.closed {
                s.open -= 1
                return (nil, .create, connection)
            }
            if !s.waiters.isEmpty {
                let w = s.waiters.removeFirst()
                return (w, connection.map { .connection($0) } ?? .create, nil)
            }
            if let connection { s.idle.append(connection) } else { s.open -= 1 }
            return (nil, .create, nil)
        }
        waiter?.resume(returning: grant)
        if let closeIt { closeIt.closeSoon() }
    }

    /// Closes idle connections; connections in use close when they come back.
    func close() {
        let (idle, waiters) = state.withLock { s in
            s.closed = true
            defer {
                s.open -= s.idle.count
                s.idle = []
                s.waiters = []
            }
            return (s.idle, s.waiters)
        }
        for c in idle { c.closeSoon() }
        for w in waiters { w.resume(returning: .closed) }
    }

    deinit { close() }
}

extension PostgresRowSequence {
    /// The first column of the first row, decoded as `T` (nil for no row). Consumes the sequence.
    func collectFirst<T: PostgresDecodable & Sendable>(_ type: T.Type) async throws -> T? {
        var first: T?
        for try await row in self {
            if first == nil { first = try row.decode(T.self) }
        }
        return first
    }
}

extension PostgresConnection {
    /// Closes without waiting; the connection stays alive until it is closed (postgres-nio asserts that it is closed
    /// before it goes away).
    func closeSoon() {
        close().whenComplete { _ in withExtendedLifetime(self) {} }
    }
}
