import Foundation

/// The id of an event stream, e.g. `hospital-771003`.
public struct StreamID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// An event to append: its stored type name, schema version, JSON payload and JSON metadata.
public struct EventData: Sendable, Hashable {
    public let type: String
    public let schemaVersion: Int
    public let payload: Data
    public let metadata: Data

    public init(type: String, schemaVersion: Int, payload: Data, metadata: Data) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }
}

/// An event as stored: with its gap-free global position and its version within its stream.
public struct RecordedEvent: Sendable, Hashable {
    /// Global position, 1, 2, 3, … without gaps.
    public let position: Int64
    public let stream: StreamID
    /// Version within the stream, 1, 2, 3, …
    public let streamVersion: Int64
    public let type: String
    public let schemaVersion: Int
    public let payload: Data
    public let metadata: Data

    public init(position: Int64, stream: StreamID, streamVersion: Int64, type: String, schemaVersion: Int, payload: Data, metadata: Data) {
        self.position = position
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }
}

/// What the appender believes the stream's version is.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version.
    case exact(Int64)

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case let .exact(v): "\(v)"
        }
    }
}

/// The outcome of an append.
public struct AppendResult: Sendable, Hashable, Codable {
    /// The stream's version after the append.
    public let streamVersion: Int64
    /// Position of the first event appended (for an empty append: the head at that time).
    public let firstPosition: Int64
    /// Position of the last event appended; what a reader waits for to read its own write.
    public let lastPosition: Int64
    /// True when an earlier append with the same idempotency key answered, and nothing was appended now.
    public let deduplicated: Bool

    public init(streamVersion: Int64, firstPosition: Int64, lastPosition: Int64, deduplicated: Bool) {
        self.streamVersion = streamVersion
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.deduplicated = deduplicated
    }

    public func asDeduplicated() -> AppendResult {
        AppendResult(streamVersion: streamVersion, firstPosition: firstPosition, lastPosition: lastPosition, deduplicated: true)
    }
}

/// Why an append or read failed.
public enum EventStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Someone else wrote to the stream first: reload the state and decide again (HTTP 409).
    case wrongExpectedVersion(stream: StreamID, expected: ExpectedVersion, actual: Int64)
    /// The idempotency key was used before for another stream: use a fresh key per command.
    case idempotencyKeyReused(key: String)
    /// The storage failed; the append is not acknowledged and nothing of it was written.
    case storage(String)
    /// The store was closed.
    case closed

    public var description: String {
        switch self {
        case let .wrongExpectedVersion(s, e, a): "Versionskonflikt in \(s): erwartet \(e), vorhanden \(a) / wrong expected version"
        case let .idempotencyKeyReused(k): "Idempotency-Key „\(k)“ wurde für eine andere Änderung verwendet / idempotency key reused"
        case let .storage(m): "Speicherfehler: \(m) / storage error"
        case .closed: "Ereignisspeicher ist geschlossen / event store closed"
        }
    }
}

/// One append of a batch (for stores that take several streams in one transaction).
public struct AppendRequest: Sendable {
    public let stream: StreamID
    public let events: [EventData]
    public let expectedVersion: ExpectedVersion
    public let idempotencyKey: String?

    public init(stream: StreamID, events: [EventData], expectedVersion: ExpectedVersion, idempotencyKey: String?) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
        self.idempotencyKey = idempotencyKey
    }
}
