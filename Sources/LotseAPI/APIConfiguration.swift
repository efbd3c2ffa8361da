import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseTelenotarzt

/// How `lotse serve` runs. Flags and environment fill it in the CLI; tests build it directly.
public struct APIConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 256 * 1024

    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port = 8080
    /// HS256 secret for bearer tokens.
    public var jwtSecret: String
    public var maxBodyBytes = defaultMaxBodyBytes
    /// Requests per principal per second (token bucket, burst = one second's worth).
    public var rateLimitPerSecond: Double = 200
    /// How often the timers look for closures that reached their `until` and announcements to escalate.
    public var expiryIntervalSeconds: Double = 10
    /// A red announcement not acknowledged within this time escalates.
    public var escalationSeconds: Int64 = 120
    public var dispatch = DispatchParameters()
    /// Telenotarzt centres and the districts they serve: data, from the shipped `tna-mv.json` (Greifswald for all 8
    /// Rettungsdienstbereiche, an example backup centre) unless `--tna-config` names another file.
    public var tnaNetwork = (try? TNANetwork.bundledMV()) ?? TNANetwork(centres: [])
    public var tnaRules = TNARules()
    /// The clock of the server (injectable for tests).
    public var clock: any LotseClock = SystemClock()

    public init(jwtSecret: String) { self.jwtSecret = jwtSecret }
}

/// The server's notion of now. The core never reads a clock; the edge passes this time in.
public protocol LotseClock: Sendable {
    func now() -> Timestamp
}

/// The system clock.
public struct SystemClock: LotseClock {
    public init() {}
    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
