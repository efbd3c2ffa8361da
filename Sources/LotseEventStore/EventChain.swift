import Foundation
import LotseCrypto

/// Tamper evidence for the log: every event's hash is SHA-256 over the previous event's hash and the event as
/// stored (position, stream, version, type, schema version, payload, metadata — each length-prefixed, so no two
/// different events hash the same bytes). Altering, inserting or removing an event anywhere breaks every hash from
/// there on; `ChainCheck` names the first position that does not fit.
///
/// A log that existed before the chain is chained from a recorded starting point: `ChainAnchor` holds the hash
/// of everything before it (computed once, when the log was migrated), so the old events are covered too.
public enum EventChain {
    /// The hash "before" position 1.
    public static let genesis = Data(count: SHA256Digest.byteCount)

    /// The hash of `event` following `previous`.
    public static func link(_ previous: Data, _ event: RecordedEvent) -> Data {
        var buffer = [UInt8]()
        buffer.reserveCapacity(previous.count + 64 + event.stream.rawValue.utf8.count + event.type.utf8.count + event.payload.count + event.metadata.count)
        buffer.append(contentsOf: previous)
        func integer(_ v: Int64) {
            var be = UInt64(bitPattern: v).bigEndian
            withUnsafeBytes(of: &be) { buffer.append(contentsOf: $0) }
        }
        func field(_ bytes: some Collection<UInt8>) {
            integer(Int64(bytes.count))
            buffer.append(contentsOf: bytes)
        }
        integer(event.position)
        field(event.stream.rawValue.utf8)
        integer(event.streamVersion)
        field(event.type.utf8)
        integer(Int64(event.schemaVersion))
        field(event.payload)
        field(event.metadata)
        return buffer.withUnsafeBytes { SHA256Digest.hash($0) }
    }
}

/// Where a log's chain begins: events from `start` on carry their hash; `hash` is the chain's value before `start`
/// (the genesis hash for a log chained from its first event, else the hash of all events before `start`).
public struct ChainAnchor: Sendable, Equatable {
    public let start: Int64
    public let hash: Data

    public init(start: Int64, hash: Data) {
        self.start = start
        self.hash = hash
    }

    public static let fromGenesis = ChainAnchor(start: 1, hash: EventChain.genesis)
}

/// An event with the hash stored beside it (nil before the chain's start).
public struct ChainedEvent: Sendable {
    public let event: RecordedEvent
    public let hash: Data?

    public init(event: RecordedEvent, hash: Data?) {
        self.event = event
        self.hash = hash
    }
}

/// A store whose events carry the chain's hashes.
public protocol ChainedEventStore: EventStore {
    /// Up to `limit` events with position > `position`, in order, each with its stored hash.
    func readChained(after position: Int64, limit: Int) async throws -> [ChainedEvent]
    /// Where the chain begins.
    func chainAnchor() async throws -> ChainAnchor
}

/// The first thing in a log that does not fit.
public struct ChainProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first position that is wrong (for a pre-chain event altered: the last position before the chain's start).
    public let position: Int64
    public let reason: String

    public init(position: Int64, reason: String) {
        self.position = position
        self.reason = reason
    }

    public var description: String { "Position \(position): \(reason)" }
}

/// Walks a log event by event: positions 1, 2, 3, … without a gap, every stored hash equal to the recomputed one,
/// and the hash before the chain's start equal to the anchor.
public struct ChainCheck: Sendable {
    public let anchor: ChainAnchor
    /// The last position checked, and the chain's hash there.
    public private(set) var head: Int64 = 0
    public private(set) var hash = EventChain.genesis

    public init(anchor: ChainAnchor) {
        self.anchor = anchor
        if anchor.start == 1 { hash = anchor.hash }
    }

    /// Checks the next event; the first problem found ends the walk (what follows a broken link cannot be trusted).
    public mutating func check(_ e: ChainedEvent) -> ChainProblem? {
        let position = e.event.position
        guard position == head + 1 else {
            return ChainProblem(
                position: head + 1,
                reason: position > head + 1 ? "fehlt (nächste vorhandene Position \(position)) / missing" : "doppelt oder ungeordnet / out of order")
        }
        let computed = EventChain.link(hash, e.event)
        if position >= anchor.start {
            guard let stored = e.hash else { return ChainProblem(position: position, reason: "kein Hash gespeichert / no hash stored") }
            guard stored == computed else {
                return ChainProblem(position: position, reason: "Inhalt oder Hash verändert (Hash passt nicht) / content or hash altered")
            }
        }
        head = position
        hash = computed
        if position == anchor.start - 1, hash != anchor.hash {
            return ChainProblem(
                position: position,
                reason: "ein Ereignis zwischen 1 und \(position) (vor dem Beginn der Hash-Kette) wurde verändert – der Anker passt nicht / altered before the chain's start")
        }
        return nil
    }

    /// After the last event: a log that ends before the chain's anchor lost events.
    public func finish() -> ChainProblem? {
        if head < anchor.start - 1 {
            return ChainProblem(position: head + 1, reason: "fehlt: die Kette beginnt erst bei \(anchor.start) / log shorter than its anchor")
        }
        return nil
    }
}
