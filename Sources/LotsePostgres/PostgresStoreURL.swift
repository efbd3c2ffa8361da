import Foundation

/// Where a PostgreSQL event store lives, parsed from a URL in libpq's form:
/// `postgres://user[:password]@host[:port][,host2[:port2]…]/database[?target_session_attrs=read-write&schema=…]`.
///
/// Several hosts are tried in order (primary first, then standbys): a writing node connects to the first that
/// accepts writes (`target_session_attrs=read-write`, the default), a read-only node (`any`) to the first that
/// answers. The password comes from the URL or from `PGPASSWORD` (so it need not appear in `ps`).
public struct PostgresStoreURL: Sendable, Equatable, CustomStringConvertible {
    public struct Host: Sendable, Equatable {
        public let name: String
        public let port: Int

        public init(name: String, port: Int) {
            self.name = name
            self.port = port
        }
    }

    /// Which servers a node may use.
    public enum SessionTarget: String, Sendable, Equatable {
        /// Only a server that accepts writes (the primary).
        case readWrite = "read-write"
        /// Any server, a hot standby too (read-only nodes).
        case any
    }

    public let hosts: [Host]
    public let user: String
    public let password: String?
    public let database: String
    public let target: SessionTarget
    /// The schema (namespace) of Lotse's tables; several logs can share one database (tests do).
    public let schema: String

    /// The URL without its password (for logs and messages).
    public var description: String {
        let hostList = hosts.map { "\($0.name):\($0.port)" }.joined(separator: ",")
        var s = "postgres://\(user)@\(hostList)/\(database)"
        var query: [String] = []
        if target != .readWrite { query.append("target_session_attrs=\(target.rawValue)") }
        if schema != "public" { query.append("schema=\(schema)") }
        if !query.isEmpty { s += "?" + query.joined(separator: "&") }
        return s
    }

    /// Whether `text` names a PostgreSQL store (rather than an SQLite file).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(hosts: [Host], user: String, password: String?, database: String, target: SessionTarget = .readWrite, schema: String = "public") {
        self.hosts = hosts
        self.user = user
        self.password = password
        self.database = database
        self.target = target
        self.schema = schema
    }

    /// Parses `text`; every error says what is wrong in one German line.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresStoreError) {
        func bad(_ why: String) -> PostgresStoreError { .badURL("Speicher-URL ungültig (\(why)): erwartet postgres://benutzer@host:port/datenbank") }
        guard Self.isPostgres(text) else { throw bad("Schema muss postgres:// sein") }
        var rest = Substring(text.drop(while: { $0 != ":" }).dropFirst(3))
        var queryItems: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[0].isEmpty else { throw bad("Parameter „\(pair)“") }
                queryItems[kv[0]] = kv[1].removingPercentEncoding ?? kv[1]
            }
            rest = rest[..<q]
        }
        guard let at = rest.lastIndex(of: "@") else { throw bad("Benutzer fehlt") }
        let userInfo = rest[..<at]
        let hostAndDB = rest[rest.index(after: at)...]
        let userParts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).removingPercentEncoding ?? String($0) }
        guard let user = userParts.first, !user.isEmpty else { throw bad("Benutzer fehlt") }
        guard let slash = hostAndDB.firstIndex(of: "/") else { throw bad("Datenbank fehlt") }
        let database = String(hostAndDB[hostAndDB.index(after: slash)...])
        guard !database.isEmpty, !database.contains("/") else { throw bad("Datenbank fehlt") }
        var hosts: [Host] = []
        for h in hostAndDB[..<slash].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = h.split(separator: ":", omittingEmptySubsequences: false)
            guard let name = parts.first, !name.isEmpty, parts.count <= 2 else { throw bad("Host „\(h)“") }
            var port = 5432
            if parts.count == 2 {
                guard let p = Int(parts[1]), (1...65535).contains(p) else { throw bad("Port „\(parts[1])“") }
                port = p
            }
            hosts.append(Host(name: String(name), port: port))
        }
        guard !hosts.isEmpty else { throw bad("Host fehlt") }
        var target = SessionTarget.readWrite
        if let t = queryItems.removeValue(forKey: "target_session_attrs") {
            guard let parsed = SessionTarget(rawValue: t) else { throw bad("target_session_attrs=\(t): read-write oder any") }
            target = parsed
        }
        var schema = "public"
        if let s = queryItems.removeValue(forKey: "schema") {
            guard s.range(of: "^[a-z_][a-z0-9_]{0,50}$", options: .regularExpression) != nil else {
                throw bad("schema=\(s): Kleinbuchstaben, Ziffern, _")
            }
            schema = s
        }
        if let mode = queryItems.removeValue(forKey: "sslmode"), mode != "disable" {
            // The database link runs on the private network between nodes and servers (Docs/OPERATIONS.md).
            throw bad("sslmode=\(mode): nur disable wird unterstützt")
        }
        guard queryItems.isEmpty else { throw bad("unbekannter Parameter \(queryItems.keys.sorted().joined(separator: ", "))") }
        let password = userParts.count > 1 ? userParts[1] : environment["PGPASSWORD"]
        self.init(hosts: hosts, user: user, password: password, database: database, target: target, schema: schema)
    }
}

/// Why the PostgreSQL store cannot be used; each says it in one German line.
public enum PostgresStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case badURL(String)
    /// No host of the list answered (or none accepts writes when writes are needed).
    case unreachable(String)
    /// The server refused the user or password.
    case authentication(String)
    /// The database holds tables that are not Lotse's, or Lotse's of a newer schema than this build knows.
    case foreignDatabase(String)

    public var description: String {
        switch self {
        case let .badURL(m), let .unreachable(m), let .authentication(m), let .foreignDatabase(m): m
        }
    }
}
