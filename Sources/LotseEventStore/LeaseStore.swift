import Synchronization

/// Leases for work that must run on exactly one node at a time (the timers: closure expiry, escalation, the
/// Telenotarzt's deadlines). A holder renews its lease before it expires; when the holder dies, another node takes
/// the lease over once it has expired. Duplicated work is refused anyway by expected versions — the lease keeps
/// nodes from racing for it.
public protocol LeaseStore: Sendable {
    /// Takes or renews `name` for `holder` until `ttl` from now (the store's clock). Returns whether `holder` holds it.
    func acquire(_ name: String, holder: String, ttl: Duration) async throws -> Bool
    /// Gives the lease up (on shutdown), so another node takes over at once.
    func release(_ name: String, holder: String) async throws
}

/// The in-memory twin (one process, or tests): the same rules on a monotonic clock.
public final class InMemoryLeaseStore: LeaseStore {
    private let leases = Mutex<[String: (holder: String, expires: ContinuousClock.Instant)]>([:])
    public init() {}

    public func acquire(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        let now = ContinuousClock.now
        return leases.withLock { l in
            if let current = l[name], current.holder != holder, current.expires > now { return false }
            l[name] = (holder, now + ttl)
            return true
        }
    }

    public func release(_ name: String, holder: String) async throws {
        leases.withLock { l in
            if l[name]?.holder == holder { l[name] = nil }
        }
    }
}
