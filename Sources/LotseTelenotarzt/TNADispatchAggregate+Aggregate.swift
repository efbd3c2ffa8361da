import LotseApplication
import LotseDomain
import LotseEventStore

/// Telenotarzt dispatch on the one command path: one stream `tna-dispatch` for the whole network (every decision
/// sees the whole queue), starting from the network and its rules.
extension TNADispatchAggregate: Aggregate {
    public static let stream = StreamID("tna-dispatch")
    static let codec = TNAEventCodec()

    public var initialState: TNAState { TNAState(network: network, rules: rules) }
    public var eventTypes: [EventType] { Self.codec.eventTypes }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of input: TNAInput) -> String { input.name }

    public func decide(_ input: TNAInput, state: TNAState, context: CommandContext) throws(TNAError) -> [TNAEvent] {
        try Self.decide(input, state: state, now: context.now)
    }

    public func evolve(_ state: TNAState, _ event: TNAEvent) -> TNAState { Self.evolve(state, event) }
    public func apply(_ state: inout TNAState, _ event: TNAEvent) { Self.apply(&state, event) }
    public func encode(_ event: TNAEvent, metadata: EventMetadata) throws -> EventData { try Self.codec.encode(event, metadata: metadata) }
    public func decode(_ r: RecordedEvent) throws -> TNAEvent? { try Self.codec.decode(r) }
}
