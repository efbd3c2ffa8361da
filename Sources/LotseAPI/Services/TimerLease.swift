import Foundation
import LotseEventStore
import ServiceLifecycle
import Synchronization

/// Which node runs the timers (closure expiry, escalation, the Telenotarzt's deadlines, snapshots): the holder of one
/// lease in the store. The holder renews it on every timer round; when it dies, another node takes over once the lease
/// has expired (`ttl`, a few seconds). A timer event that two nodes produce anyway is refused by expected versions.
final class TimerLease: Sendable {
    static let name = "timers"
    let leases: any LeaseStore
    /// This node's name in the lease table (host, process, random suffix: a restarted node is a new holder).
    let holder: String
    let ttl: Duration
    private let state = Mutex<(held: Bool, renewed: ContinuousClock.Instant?)>((false, nil))

    init(leases: any LeaseStore, holder: String, ttl: Duration = .seconds(5)) {
        self.leases = leases
        self.holder = holder
        self.ttl = ttl
    }

    /// Whether this node holds the lease now; renews it when a third of its time has passed. A store that does not
    /// answer means: not held (the timers pause rather than act on a state that cannot be written).
    func holds() async -> Bool {
        let now = ContinuousClock.now
        let fresh = state.withLock { s in s.held && s.renewed.map { now - $0 < ttl / 3 } == true }
        if fresh { return true }
        let held = (try? await leases.acquire(Self.name, holder: holder, ttl: ttl)) ?? false
        state.withLock { s in
            s.held = held
            s.renewed = held ? now : nil
        }
        return held
    }

    /// Whether this node held the lease at its last renewal (for `/readyz`; does not ask the store).
    var isHeld: Bool { state.withLock { $0.held } }

    /// Gives the lease up on shutdown, so another node takes over at once.
    func release() async {
        state.withLock { $0 = (false, nil) }
        try? await leases.release(Self.name, holder: holder)
    }

    /// A node name: host, process id, and a random suffix.
    static func nodeName() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max) & 0xffff)"
    }
}

/// Keeps the timer lease: renews it (or tries to take it over) every second, so a dead holder's timers move to
/// another node within the lease's time plus a second; gives it up on shutdown.
struct TimerLeaseService: Service {
    let lease: TimerLease
    var interval: Duration = .seconds(1)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await lease.holds()
                try await Task.sleep(for: interval)
            }
        }
        await lease.release()
    }
}
