import LotseApplication
import LotseDomain
import LotseEventStore
import LotseMANV

/// An incident was listed: the one stream (`list-manv-incidents`) a node reads at start to find every incident's stream.
/// Written before the incident is opened, so an incident is never unlisted; a listing whose incident stream stayed
/// empty (the opening failed) is skipped.
public struct MANVIncidentListed: EventPayload {
    public static let eventType = "MANV.IncidentListed"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let district: DistrictID
    public let at: Timestamp
}

/// The list as a pure record: its appends never read a state.
public struct MANVIncidentListAggregate: Aggregate {
    public static let stream = StreamID("list-manv-incidents")

    public init() {}

    public var initialState: Void { () }
    public var eventTypes: [EventType] { [EventType(MANVIncidentListed.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: MANVIncidentListed) -> String { "ListMANVIncident" }
    public var decidesOnState: Bool { false }
    public func decide(_ command: MANVIncidentListed, state _: Void, context _: CommandContext) -> [MANVIncidentListed] { [command] }
    public func evolve(_: Void, _: MANVIncidentListed) {}
}
