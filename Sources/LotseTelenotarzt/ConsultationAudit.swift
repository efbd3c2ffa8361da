import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// One read of a consultation's details: who, when, why (patient data; every read is on record).
public struct ConsultationDetailsRead: EventPayload {
    public static let eventType = "ConsultationDetailsRead"
    public static let schemaVersion = 1
    public let consultationId: String
    /// `role:id` of the reader.
    public let principal: String
    public let reason: String
    public let at: Timestamp

    public init(consultationId: String, principal: String, reason: String, at: Timestamp) {
        self.consultationId = consultationId
        self.principal = principal
        self.reason = reason
        self.at = at
    }
}

/// Why a read could not be recorded.
public enum ConsultationAuditError: Error, Equatable, Sendable {
    /// A reason of 1–200 characters.
    case reasonRequired
}

/// The access log of consultation details as an aggregate: one stream `audit-consultations`; its state is the number
/// of reads on record. Recording a read is a command like any other, on the one command path.
public struct ConsultationAuditAggregate: Aggregate {
    public static let stream = StreamID("audit-consultations")

    public init() {}

    /// Record that `consultationId`'s details were read, and why.
    public enum Command: Sendable {
        case recordRead(consultationId: String, reason: String)
    }

    public var initialState: Int { 0 }
    /// A read is on record whatever was read before: concurrent reads share one commit.
    public var decidesOnState: Bool { false }
    public var eventTypes: [EventType] { [EventType(ConsultationDetailsRead.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: Command) -> String { "RecordDetailsRead" }

    public func decide(_ command: Command, state _: Int, context: CommandContext) throws(ConsultationAuditError) -> [ConsultationDetailsRead] {
        switch command {
        case let .recordRead(id, reason):
            let why = reason.trimmedWhitespace
            guard !why.isEmpty, why.count <= 200 else { throw .reasonRequired }
            return [ConsultationDetailsRead(consultationId: id, principal: context.principal.description, reason: why, at: context.now)]
        }
    }

    public func evolve(_ state: Int, _: ConsultationDetailsRead) -> Int { state + 1 }
}

/// Records and lists reads of consultation details (the route answers only after the read is on record).
public final class ConsultationAuditService: Sendable {
    private let runner: StreamCommandRunner<ConsultationAuditAggregate>

    public init(store: any EventStore) {
        runner = StreamCommandRunner(store: store, aggregate: ConsultationAuditAggregate())
    }

    /// Puts a read on record; returns once it is durable.
    public func recordRead(of consultation: ConsultationID, reason: String, by principal: Principal, at now: Timestamp) async throws {
        _ = try await runner.execute(.recordRead(consultationId: consultation.rawValue, reason: reason), id: (),
                                     context: CommandContext(now: now, principal: principal))
    }

    /// A page of the reads on record, oldest first: at most `limit` after stream version `version`.
    public func page(after version: Int64, limit: Int) async throws -> [(record: RecordedEvent, event: ConsultationDetailsRead?)] {
        try await runner.page((), after: version, limit: limit)
    }

    /// Every read on record, oldest first; only those of one consultation when given.
    public func reads(of consultation: String? = nil) async throws -> [ConsultationDetailsRead] {
        let aggregate = runner.aggregate
        return try await runner.store.readStream(ConsultationAuditAggregate.stream).compactMap { try aggregate.decode($0) }
            .filter { consultation == nil || $0.consultationId == consultation }
    }
}
