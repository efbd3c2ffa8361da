import LotseApplication
import LotseDomain
import LotseEventStore

/// The hospital site on the one command path: stream `hospital-<id>`, nil until registered.
extension HospitalAggregate: Aggregate {
    public var initialState: HospitalState? { nil }
    public var eventTypes: [EventType] { HospitalEvent.payloadTypes.map(EventType.init) }
    public func stream(for id: HospitalID) -> StreamID { LotseEventCodec.stream(for: id) }
    public func name(of command: HospitalCommand) -> String { command.name }

    public func decide(_ command: HospitalCommand, state: HospitalState?, context: CommandContext) throws(HospitalError) -> [HospitalEvent] {
        try Self.decide(command, state: state, now: context.now)
    }

    public func evolve(_ state: HospitalState?, _ event: HospitalEvent) -> HospitalState? { Self.evolve(state, event) }
    public func encode(_ event: HospitalEvent, metadata: EventMetadata) throws -> EventData { try LotseEventCodec.standard.encode(event, metadata: metadata) }
    public func decode(_ r: RecordedEvent) throws -> HospitalEvent? { try LotseEventCodec.standard.decode(r) }
}
