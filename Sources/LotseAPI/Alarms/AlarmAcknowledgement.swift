import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore
import Synchronization

/// A dispatcher acknowledged an alarm (an escalated red announcement, a Telenotarzt request nobody took): who and when
/// are in the metadata and the event.
public struct AlarmAcknowledged: EventPayload {
    public static let eventType = "AlarmAcknowledged"
    public static let schemaVersion = 1
    /// `announcement-<id>` or `consultation-<id>`.
    public let alarmId: String
    public let district: String
    public let by: String
    public let at: Timestamp
}

/// The acknowledgements as an aggregate: one stream; its state is the set of acknowledged alarm ids. Acknowledging
/// again writes nothing.
public struct AlarmAcknowledgementAggregate: Aggregate {
    public static let stream = StreamID("alarm-acknowledgements")

    public init() {}

    public enum Command: Sendable {
        case acknowledge(alarmId: String, district: DistrictID)
    }

    public var initialState: Set<String> { [] }
    public var eventTypes: [EventType] { [EventType(AlarmAcknowledged.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: Command) -> String { "AcknowledgeAlarm" }

    public func decide(_ command: Command, state: Set<String>, context: CommandContext) -> [AlarmAcknowledged] {
        switch command {
        case let .acknowledge(id, district):
            guard !state.contains(id) else { return [] }
            return [AlarmAcknowledged(alarmId: id, district: district.rawValue, by: context.principal.description, at: context.now)]
        }
    }

    public func evolve(_ state: Set<String>, _ event: AlarmAcknowledged) -> Set<String> { state.union([event.alarmId]) }
}

/// Acknowledges alarms and keeps this node's book of acknowledgements in step with the log (loaded at start, then
/// fed in the projection's step, like the token revocations).
public final class AlarmService: Sendable {
    private let runner: StreamCommandRunner<AlarmAcknowledgementAggregate>
    private let book = Mutex<[String: AlarmAcknowledged]>([:])

    public init(store: any EventStore) {
        runner = StreamCommandRunner(store: store, aggregate: AlarmAcknowledgementAggregate())
    }

    public func acknowledge(_ alarmId: String, district: DistrictID, by principal: Principal, at now: Timestamp, idempotencyKey: String? = nil,
                            correlationId: String? = nil) async throws -> StreamCommandRunner<AlarmAcknowledgementAggregate>.Outcome {
        let o = try await runner.execute(.acknowledge(alarmId: alarmId, district: district), id: (), context: CommandContext(now: now, principal: principal),
                                         idempotencyKey: idempotencyKey, correlationId: correlationId)
        // On this node at once (the next page load must not show it open); other nodes when their projection applies it.
        for e in o.events { record(e) }
        return o
    }

    /// The acknowledgement of an alarm, if there is one.
    public func acknowledgement(of alarmId: String) -> AlarmAcknowledged? { book.withLock { $0[alarmId] } }

    public func load() async throws {
        let aggregate = runner.aggregate
        for r in try await runner.store.readStream(AlarmAcknowledgementAggregate.stream) {
            if let e = try aggregate.decode(r) { record(e) }
        }
    }

    public func apply(_ r: RecordedEvent) {
        guard r.stream == AlarmAcknowledgementAggregate.stream, let e = try? runner.aggregate.decode(r) else { return }
        record(e)
    }

    private func record(_ e: AlarmAcknowledged) { book.withLock { b in if b[e.alarmId] == nil { b[e.alarmId] = e } } }
}
