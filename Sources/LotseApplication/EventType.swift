import LotseDomain
import LotseEventStore

/// A stored event type with the schema version Lotse writes (older versions are upcast on read).
public struct EventType: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let schemaVersion: Int

    public init(_ name: String, schemaVersion: Int) {
        self.name = name
        self.schemaVersion = schemaVersion
    }

    /// A payload type's stored name and the version it is written in.
    public init(_ payload: any EventPayload.Type) {
        self.init(payload.eventType, schemaVersion: payload.schemaVersion)
    }

    public var description: String { "\(name) v\(schemaVersion)" }
}

/// Every event type of the log, each listed once: the types of all aggregates together.
public struct EventTypeRegistry: Sendable {
    public let types: [EventType]

    /// Refuses a type name that two aggregates (or one twice) claim.
    public init(_ lists: [[EventType]]) throws {
        var seen: Set<String> = []
        for t in lists.joined() where !seen.insert(t.name).inserted {
            throw EventStoreError.storage("event type \(t.name) registered twice")
        }
        types = Array(lists.joined())
    }

    public func schemaVersion(of name: String) -> Int? { types.first { $0.name == name }?.schemaVersion }
}
