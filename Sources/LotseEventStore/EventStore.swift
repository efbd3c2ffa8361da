import Foundation

/// The append-only event log: the only source of truth of Lotse.
///
/// Contract (tested by one suite against every adapter): an acknowledged append is durable; events of one
/// append are written all or nothing; global positions are 1, 2, 3, … without gaps in commit order; an
/// append with an idempotency key seen before returns the first result and writes nothing; a wrong
/// expected version is `EventStoreError.wrongExpectedVersion`.
public protocol EventStore: Sendable {
    /// Appends `events` to `stream` atomically if the stream is at `expectedVersion`.
    func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult

    /// Up to `limit` events with position > `position`, in order, without gaps. A page may end before `limit` and
    /// before the head (a store answering from its writer's memory stops where that ends): read on after its last
    /// event; only an empty page means nothing is committed after `position`.
    func read(after position: Int64, limit: Int) async throws -> [RecordedEvent]

    /// Reads like `read(after:limit:)` and hands each event to `transform` with its payload's bytes as the store holds
    /// them — no copy, no metadata; the bytes are valid only during the call. For long reads that decode every payload
    /// (a rebuild): what `transform` returns, per event in order.
    func scan<T>(after position: Int64, limit: Int, _ transform: (ScannedEvent) throws -> T) async throws -> [T]

    /// The events of one stream with version > `version`, in order.
    func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent]

    /// At most `limit` events of one stream with version > `version`, in order: a page of a long stream (an audit
    /// trail of a year) without reading all of it.
    func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent]

    /// The stream and first result of an earlier append with this idempotency key, if there was one.
    func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)?

    /// The position of the last committed event (0 when empty).
    func head() async throws -> Int64

    /// Events after `position`: first those stored, then new ones as they are committed. Ends when the task is cancelled.
    func subscribe(after position: Int64) -> EventSubscription

    /// Whether the store answers (a server-backed store can be unreachable while the node keeps serving reads).
    var status: StoreStatus { get }
}

/// What a node knows about its store's availability.
public struct StoreStatus: Sendable, Equatable {
    /// False while requests to the store fail.
    public var reachable: Bool
    /// When the store last answered (nil: never, or a local store that always answers).
    public var lastContact: Date?
    /// The last failure, while unreachable.
    public var lastError: String?
    /// Whether new heads are pushed to this node (false: its subscriptions poll).
    public var notified: Bool

    public init(reachable: Bool, lastContact: Date?, lastError: String?, notified: Bool) {
        self.reachable = reachable
        self.lastContact = lastContact
        self.lastError = lastError
        self.notified = notified
    }

    /// A store in this process or on this machine: it answers whenever the process runs.
    public static let local = StoreStatus(reachable: true, lastContact: nil, lastError: nil, notified: true)

    /// Seconds since the store last answered, while it does not (0 while it does): how old a node's answers may be.
    public func staleSeconds(now: Date = Date()) -> Double {
        guard !reachable, let lastContact else { return 0 }
        return max(0, now.timeIntervalSince(lastContact))
    }
}

/// An event while a store reads it (`EventStore.scan`): its position, type, schema version and payload bytes, the
/// latter valid only inside the call that hands it out.
public struct ScannedEvent {
    public let position: Int64
    public let type: String
    public let schemaVersion: Int
    public let payload: UnsafeRawBufferPointer

    public init(position: Int64, type: String, schemaVersion: Int, payload: UnsafeRawBufferPointer) {
        self.position = position
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

extension EventStore {
    public var status: StoreStatus { .local }

    /// By reading the events (adapters that read rows themselves hand out their bytes).
    public func scan<T>(after position: Int64, limit: Int, _ transform: (ScannedEvent) throws -> T) async throws -> [T] {
        try await read(after: position, limit: limit).map { try $0.scanned(transform) }
    }

    public func readStream(_ stream: StreamID) async throws -> [RecordedEvent] {
        try await readStream(stream, after: 0)
    }

    /// A page by reading the whole tail (adapters with an index read only the page).
    public func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        Array(try await readStream(stream, after: version).prefix(max(0, limit)))
    }
}

extension RecordedEvent {
    /// `transform` of this event as a scan hands it out.
    public func scanned<T>(_ transform: (ScannedEvent) throws -> T) rethrows -> T {
        try payload.withUnsafeBytes { try transform(ScannedEvent(position: position, type: type, schemaVersion: schemaVersion, payload: $0)) }
    }
}
