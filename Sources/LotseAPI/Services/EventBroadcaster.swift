import LotseApplication
import Foundation
import Hummingbird
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseMANV
import ServiceLifecycle
import LotseTelenotarzt
import Synchronization

/// One subscription to the log, fanned out to every SSE client: each event is read and framed once, however many
/// clients listen. A client first catches up from the store (from its `Last-Event-ID`), then follows the live
/// feed; positions it already sent are skipped, so the switch leaves no gap and no duplicate.
final class EventBroadcaster: Service, Sendable {
    /// An event ready to send: its SSE frame, and who may see it (nil = every signed-in role).
    struct Item: Sendable {
        let position: Int64
        /// The frame's bytes, made once and shared by every client's write (no copy per client).
        let frame: ByteBuffer
        let announcement: AnnouncementHeader?
        /// For Telenotarzt events: the event (visibility depends on the consultation or the physician).
        let tna: TNAEvent?
        /// Audit records (who read which consultation) and revocations: for admins only.
        let adminOnly: Bool
        /// For an `AlarmAcknowledged` event: the district whose dispatchers (and admins) may see it.
        var dispatcherDistrict: String? = nil
        /// For a `TokenRevoked` event: the revoked token's id (a stream opened with that token ends here).
        var revokedTokenID: String? = nil
        /// A keep-alive comment, not an event: lets a stream notice a client that left and re-check its token.
        var isHeartbeat = false
        /// For a MANV event: hospitals get this frame instead — its position and type only, a nudge to reload their own
        /// part (`GET /v1/manv/incidents`), never other hospitals' answers or the plan; crews and physicians nothing.
        /// The full frame goes to the dispatchers of the incident's district (`dispatcherDistrict`) and admins.
        var manvNudge: ByteBuffer? = nil
        /// Sent to nobody: the records of list and stream reads (every page re-fetches its lists on an event, so a read
        /// on the stream would cause the next read). Admins ask `GET /v1/audit`.
        var hidden = false

        static let heartbeat = Item(position: 0, frame: ByteBuffer(string: ": \n\n"), announcement: nil, tna: nil, adminOnly: false, isHeartbeat: true)
    }

    private struct State {
        var nextID: UInt64 = 0
        var listeners: [UInt64: AsyncStream<Item>.Continuation] = [:]
    }

    let store: any EventStore
    let codec: LotseEventCodec
    private let state = Mutex(State())
    /// Events buffered per client before it counts as too slow and is disconnected (it resumes by Last-Event-ID).
    static let bufferedItems = 10_000

    private let tnaCodec = TNAEventCodec()
    private let revocations = TokenRevocationAggregate()
    private let acknowledgements = AlarmAcknowledgementAggregate()
    /// How often every stream gets a keep-alive comment.
    let heartbeatInterval: Duration

    /// The district of a MANV incident's event (from the node's book of incidents), nil when unknown.
    let manvDistrict: @Sendable (RecordedEvent) -> String?

    init(store: any EventStore, codec: LotseEventCodec, heartbeatInterval: Duration = .seconds(15),
         manvDistrict: @escaping @Sendable (RecordedEvent) -> String? = { _ in nil }) {
        self.store = store
        self.codec = codec
        self.manvDistrict = manvDistrict
        self.heartbeatInterval = heartbeatInterval
    }

    func item(_ e: RecordedEvent) -> Item {
        if e.stream.rawValue.hasPrefix(MANVIncidentAggregate.streamPrefix) || e.stream == MANVIncidentListAggregate.stream {
            // An incident whose district is not known here goes to admins only: never more widely than allowed.
            let district = manvDistrict(e)
            return Item(position: e.position, frame: ByteBuffer(string: EventStreamController.frame(e, codec: codec)), announcement: nil, tna: nil,
                        adminOnly: district == nil, dispatcherDistrict: district,
                        manvNudge: ByteBuffer(string: "id: \(e.position)\nevent: MANV.Changed\ndata: {\"position\":\(e.position),\"type\":\"MANV.Changed\"}\n\n"))
        }
        let tna = e.stream == TNAService.stream ? try? tnaCodec.decode(e) : nil
        let announcement = try? codec.decodeAnnouncement(e)?.header
        // A Telenotarzt or announcement event that cannot be read (a newer version, say) is shown to admins only:
        // its audience cannot be known.
        let unreadable = (e.stream == TNAService.stream && tna == nil) || (e.stream.rawValue.hasPrefix("announcement-") && announcement == nil)
        let revoked = e.stream == TokenRevocationAggregate.stream ? (try? revocations.decode(e))??.jti : nil
        return Item(position: e.position, frame: ByteBuffer(string: EventStreamController.frame(e, codec: codec)), announcement: announcement,
                    tna: tna, adminOnly: e.stream == ConsultationAuditAggregate.stream || e.stream == TokenRevocationAggregate.stream || unreadable,
                    dispatcherDistrict: e.stream == AlarmAcknowledgementAggregate.stream ? ((try? acknowledgements.decode(e))??.district ?? "") : nil,
                    revokedTokenID: revoked, hidden: e.stream == PersonalDataAuditAggregate.stream)
    }

    /// Follows the log from its current head and hands every event to every listener; a heartbeat between.
    func run() async throws {
        let head = try await store.head()
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Nobody listening: nothing to build (a client that connects later catches up from the store —
                    // it registers before it reads, so it reads this event there).
                    for try await e in self.store.subscribe(after: head) where self.listenerCount > 0 { self.send(self.item(e)) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: self.heartbeatInterval)
                        self.send(.heartbeat)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        shutdownStreams()
    }

    /// Hands an item to every listener; a listener whose buffer is full is disconnected (it resumes by Last-Event-ID).
    private func send(_ item: Item) {
        let slow: [UInt64] = state.withLock { s in
            var dropped: [UInt64] = []
            for (id, c) in s.listeners {
                if case .dropped = c.yield(item) { dropped.append(id) }
            }
            return dropped
        }
        for id in slow { remove(id)?.finish() }
    }

    private func remove(_ id: UInt64) -> AsyncStream<Item>.Continuation? { state.withLock { $0.listeners.removeValue(forKey: id) } }

    var listenerCount: Int { state.withLock { $0.listeners.count } }

    /// Ends every live feed (graceful shutdown): each client's stream finishes after what it already has.
    func shutdownStreams() {
        let all = state.withLock { s in
            defer { s.listeners = [:] }
            return Array(s.listeners.values)
        }
        for c in all { c.finish() }
    }

    /// Items after `position`: first from the store, then live. Ends when the client is too slow, on shutdown, or
    /// when the consuming task is cancelled.
    func items(after position: Int64) -> AsyncThrowingStream<Item, any Error> {
        let (live, liveContinuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferedItems))
        let id = state.withLock { s in
            s.nextID += 1
            s.listeners[s.nextID] = liveContinuation
            return s.nextID
        }
        liveContinuation.onTermination = { [weak self] _ in _ = self?.remove(id) }
        let store = self.store
        // Bounded as well: a client that does not read is disconnected instead of growing this buffer.
        return AsyncThrowingStream(bufferingPolicy: .bufferingOldest(Self.bufferedItems)) { continuation in
            // This task is scoped to the stream: it ends when the stream is terminated (onTermination cancels it).
            let task = Task {
                var last = position
                do {
                    while !Task.isCancelled {
                        let page = try await store.read(after: last, limit: 1024)
                        guard let tail = page.last else { break }
                        for e in page {
                            if case .dropped = continuation.yield(self.item(e)) { continuation.finish(); return }
                        }
                        last = tail.position
                    }
                    for await item in live where item.isHeartbeat || item.position > last {
                        if case .dropped = continuation.yield(item) { continuation.finish(); return }
                        if !item.isHeartbeat { last = item.position }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                task.cancel()
                liveContinuation.finish()
            }
        }
    }
}
