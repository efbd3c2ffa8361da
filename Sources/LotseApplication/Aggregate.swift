import Foundation
import LotseDomain
import LotseEventStore

/// An event-sourced aggregate as Lotse runs it (the "decider" shape): a state folded from its events, commands
/// that `decide` turns into new events or refuse with a typed error, and `evolve`, which applies an event and never
/// fails. `StreamCommandRunner` is the one loop that runs any aggregate against the log; `Hospital`,
/// `AnnouncementAggregate`, `TNADispatchAggregate` and `ConsultationAccessLog` conform.
public protocol Aggregate: Sendable {
    /// What names one instance (a hospital id, an announcement id; `Void` for a single stream).
    associatedtype ID: Sendable
    associatedtype State: Sendable
    associatedtype Command: Sendable
    associatedtype Event: Sendable
    /// Why a command is refused.
    associatedtype Failure: Error

    /// The state before the first event (nil where "not there yet" is the natural state).
    var initialState: State { get }
    /// Every stored type of this aggregate's events, each with the schema version it is written in.
    var eventTypes: [EventType] { get }
    /// The stream that holds one instance's events.
    func stream(for id: ID) -> StreamID
    /// The stable name of a command, recorded in every event's metadata.
    func name(of command: Command) -> String
    /// The events a command causes in `state`, or a refusal. Pure: `context` carries the time and the caller.
    func decide(_ command: Command, state: State, context: CommandContext) throws(Failure) -> [Event]
    /// `state` after `event`. Pure and total: an event is a fact.
    func evolve(_ state: State, _ event: Event) -> State
    /// `evolve` in place: for a large state that a command changes in a small part (the Telenotarzt's queue), no copy
    /// of the whole state per event when the runner holds the only reference. The default calls `evolve`.
    func apply(_ state: inout State, _ event: Event)
    /// The stored form of an event (its type's current schema version) with the metadata beside it.
    func encode(_ event: Event, metadata: EventMetadata) throws -> EventData
    /// An event of this aggregate, lifted from older schema versions; nil for other aggregates' types.
    func decode(_ r: RecordedEvent) throws -> Event?
    /// False for a pure record whose decisions never read the state (an access log): its appends need no turn and
    /// no expected version, so concurrent ones share one commit.
    var decidesOnState: Bool { get }
}

extension Aggregate {
    public var decidesOnState: Bool { true }

    public func apply(_ state: inout State, _ event: Event) {
        state = evolve(state, event)
    }
}

/// The stored form of aggregates whose one event type is a plain JSON payload (the access log, token revocations,
/// alarm acknowledgements): sorted-key JSON, the payload's type name and schema version.
extension Aggregate where Event: EventPayload {
    public func encode(_ event: Event, metadata: EventMetadata) throws -> EventData {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return EventData(type: Event.eventType, schemaVersion: Event.schemaVersion, payload: try enc.encode(event), metadata: Data(metadata.json))
    }

    public func decode(_ r: RecordedEvent) throws -> Event? {
        guard r.type == Event.eventType else { return nil }
        return try JSONDecoder().decode(Event.self, from: r.payload)
    }
}
