import Foundation
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseEventStore
import LotseApplication
import LotseCrypto
import LotseTelenotarzt
import Synchronization

/// The composition root of a server: the (metered) store, the services, the projection, the ranking, the metrics and
/// the clock. `LotseServer` hands each controller only the parts it needs.
public final class LotseAPIServices: Sendable {
    public let store: any EventStore
    public let snapshots: (any SnapshotStore)?
    public let service: CapacityService
    public let announcements: AnnouncementService
    public let projector: CapacityProjector
    public let ranking: DispatchRanking
    public let configuration: APIConfiguration
    public let metrics = LotseMetrics()
    let broadcaster: EventBroadcaster
    public let telenotarzt: TNAService
    public let audit: ConsultationAuditService
    /// Who read which announcements and consultations (lists, details, streams).
    public let reads: PersonalDataAuditService
    /// Seals personal fields under a key per case and opens them for authorised readers.
    public let vault: any PersonalDataVault
    /// Token revocations: commands, and the node's revocation list kept in step with the projection.
    public let revocations: TokenRevocationService
    /// Acknowledged alarms (escalated red announcements, Telenotarzt requests nobody took).
    public let alarms: AlarmService
    /// Mass-casualty incidents: acceptance, plans, transports; the node's book of incidents.
    public let manv: MANVService
    /// The dispatch questions this node answered, per hour, until `DispatchUsageService` writes them.
    public let dispatchUsage = DispatchUsageCounter()
    /// Which node runs the timers (one lease in the store; on one machine, this process).
    let timerLease: TimerLease
    private let rebuilt = Mutex(false)

    /// - Parameters:
    ///   - leases: where nodes agree on who runs the timers (the PostgreSQL store); nil: this process alone.
    ///   - vault: the case keys beside the log; nil: keys in memory under a random master key (tests — a restart
    ///     makes every sealed field unreadable, so `lotse serve` always passes the store's vault).
    public init(store: any EventStore, snapshots: (any SnapshotStore)?, leases: (any LeaseStore)? = nil, table: RequirementTable,
                configuration: APIConfiguration, vault: (any PersonalDataVault)? = nil) throws {
        let store = MeteredEventStore(store, metrics: metrics)
        self.store = store
        self.snapshots = snapshots
        self.configuration = configuration
        service = CapacityService(store: store)
        announcements = AnnouncementService(store: store, table: table)
        let clock = configuration.clock
        let metrics = self.metrics
        telenotarzt = TNAService(store: store, network: configuration.tnaNetwork, rules: configuration.tnaRules, clock: clock,
                                 observer: { events, state in metrics.observe(events, state) })
        audit = ConsultationAuditService(store: store)
        reads = PersonalDataAuditService(store: store)
        self.vault = try vault ?? CaseKeyVault(store: InMemoryCaseKeyStore(), keyring: MasterKeyring(keys: [SecureRandom.bytes(32)]))
        let revocations = TokenRevocationService(store: store, list: configuration.tokens.revocations)
        self.revocations = revocations
        let alarms = AlarmService(store: store)
        self.alarms = alarms
        let ranking = try DispatchRanking(table: table, parameters: configuration.dispatch, travel: configuration.travel)
        self.ranking = ranking
        let manv = MANVService(store: store, announcements: announcements, travel: ranking.travel, ttlMinutes: ranking.parameters.statusTTLMinutes)
        self.manv = manv
        broadcaster = EventBroadcaster(store: store, codec: service.codec, manvDistrict: { manv.district(of: $0) })
        projector = CapacityProjector(store: store, observer: { r in
            revocations.apply(r)
            alarms.apply(r)
            manv.apply(r)
        }, tableVersion: table.version)
        timerLease = TimerLease(leases: leases ?? InMemoryLeaseStore(), holder: configuration.nodeName)
    }

    /// Whether this node runs the timers now (as of its last renewal).
    public var holdsTimers: Bool { timerLease.isHeld }

    var now: Timestamp { configuration.clock.now() }

    /// Rebuilds the projection (from a snapshot when there is one); the server is ready after this.
    public func start() async throws -> CapacityProjector.RebuildStats {
        let stats = try await projector.rebuild(snapshots: snapshots)
        // After the rebuild: every revocation up to now (the projection applies later ones as they come).
        try await revocations.load()
        try await alarms.load()
        try await manv.load()
        try await telenotarzt.catchUp()
        rebuilt.withLock { $0 = true }
        return stats
    }

    public var isRebuilt: Bool { rebuilt.withLock { $0 } }

    /// Live SSE feeds attached to the broadcaster (for tests and diagnostics).
    public var broadcasterListeners: Int { broadcaster.listenerCount }
}
