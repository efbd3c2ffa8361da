import LotseApplication
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseTelenotarzt
import LotseTime
import LotseTokens
import NIOSSL

/// How `lotse serve` runs. Flags and environment fill it in the CLI; tests build it directly.
public struct APIConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 256 * 1024

    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port = 8080
    /// Verifies bearer tokens (JWKS keys by `kid`, optionally a development secret) and holds the revocation list.
    public var tokens: TokenVerifier
    /// HTTPS (HTTP/2 and HTTP/1.1 by ALPN) when set (`TLSSettings.server`); plain HTTP only without it.
    public var tls: TLSConfiguration?
    public var maxBodyBytes = defaultMaxBodyBytes
    /// Requests per principal (`role:subject` of the token) per second and node (token bucket, burst = one second's
    /// worth); the public routes (health, web pages) are not limited.
    public var rateLimitPerSecond: Double = 200
    /// Open event streams (`/v1/events`) per principal and node.
    public var maxStreamsPerPrincipal = 8
    /// The structured access log (JSON lines): a file, `-` for standard output, nil for none.
    public var accessLogPath: String?
    /// How often the JWKS file is checked for changes; nil: only on SIGHUP.
    public var keyReloadInterval: Duration? = .seconds(1)
    /// How often the timers look for closures that reached their `until` and announcements to escalate.
    public var expiryIntervalSeconds: Double = 10
    /// A red announcement not acknowledged within this time escalates.
    public var escalationSeconds: Int64 = 120
    public var dispatch = DispatchParameters()
    /// The travel model of the ranking; nil: the shipped calibrated model (`--travel-matrix` gives a routing engine's).
    public var travel: (any TravelTimeModel)?
    /// Telenotarzt centres and the districts they serve: data, from the shipped `tna-mv.json` (Greifswald for all 8
    /// Rettungsdienstbereiche, an example backup centre) unless `--tna-config` names another file.
    public var tnaNetwork = (try? TNANetwork.bundledMV()) ?? TNANetwork(centres: [])
    public var tnaRules = TNARules()
    /// The clock of the server (injectable for tests).
    public var clock: any LotseClock = SystemClock()
    /// This node's name (in the timer lease and `/readyz`).
    public var nodeName = TimerLease.nodeName()
    /// `/readyz` turns unready when the projection is this many events behind the log's head.
    public var readyLagEvents: Int64 = 1000
    /// The node that holds the timers saves a snapshot of the capacity index after this many new events.
    public var snapshotEveryEvents: Int64 = 50_000
    /// … or after this many minutes when at least one event came (nil: by count only).
    public var snapshotEveryMinutes: Double? = 60

    public init(tokens: TokenVerifier) { self.tokens = tokens }
}
