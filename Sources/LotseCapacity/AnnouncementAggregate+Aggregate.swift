import LotseApplication
import LotseDomain
import LotseEventStore

/// The announcement (Voranmeldung) on the one command path: stream `announcement-<id>`, nil until announced.
extension AnnouncementAggregate: Aggregate {
    public var initialState: AnnouncementState? { nil }
    public var eventTypes: [EventType] { AnnouncementEvent.payloadTypes.map(EventType.init) }
    public func stream(for id: AnnouncementID) -> StreamID { LotseEventCodec.stream(for: id) }
    public func name(of command: AnnouncementCommand) -> String { command.name }

    public func decide(_ command: AnnouncementCommand, state: AnnouncementState?, context: CommandContext) throws(AnnouncementError) -> [AnnouncementEvent] {
        try Self.decide(command, state: state, now: context.now, by: context.principal)
    }

    public func evolve(_ state: AnnouncementState?, _ event: AnnouncementEvent) -> AnnouncementState? { Self.evolve(state, event) }
    public func encode(_ event: AnnouncementEvent, metadata: EventMetadata) throws -> EventData { try LotseEventCodec.standard.encode(event, metadata: metadata) }
    public func decode(_ r: RecordedEvent) throws -> AnnouncementEvent? { try LotseEventCodec.standard.decodeAnnouncement(r) }
}
