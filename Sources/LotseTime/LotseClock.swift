#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LotseDomain
import Synchronization

/// Lotse's notion of now, the one clock type of the CLI, the server, the simulator and the load generator. The core
/// never reads a clock: the edge reads this one and passes the time in.
public protocol LotseClock: Sendable {
    func now() -> Timestamp
}

/// The system's wall clock (UTC, milliseconds).
public struct SystemClock: LotseClock {
    public init() {}

    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told: tests, the simulator's virtual time, a command run "as of" a given time.
public final class ManualClock: LotseClock {
    private let current: Mutex<Timestamp>

    public init(_ t: Timestamp) { current = Mutex(t) }

    public func now() -> Timestamp { current.withLock { $0 } }
    public func set(_ t: Timestamp) { current.withLock { $0 = t } }
    public func advance(seconds: Int64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
    public func advance(minutes: Double) { current.withLock { $0 = $0.adding(minutes: minutes) } }
}
