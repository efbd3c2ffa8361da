import Foundation
import LotseDomain
import LotseEventStore

/// One read of patient-related records by a list, a detail route or an event stream: who, when, why, which route,
/// which cases (announcement and consultation ids). A stream writes one before it first delivers a case.
public struct PersonalDataRead: EventPayload {
    public static let eventType = "PersonalDataRead"
    public static let schemaVersion = 1
    /// `role:id` of the reader.
    public let principal: String
    /// The route template (`/v1/announcements`, `/v1/events`, …).
    public let route: String
    /// Why: the reason given, or the standing purpose of the reader's role.
    public let reason: String
    public let cases: [String]
    public let at: Timestamp

    public init(principal: String, route: String, reason: String, cases: [String], at: Timestamp) {
        self.principal = principal
        self.route = route
        self.reason = reason
        self.cases = cases
        self.at = at
    }
}

/// The record of reads of patient-related data as an aggregate on the one command path: stream `audit-reads`.
public struct PersonalDataAuditAggregate: Aggregate {
    public static let stream = StreamID("audit-reads")

    public init() {}

    public enum Command: Sendable {
        case recordRead(route: String, reason: String, cases: [String])
    }

    public enum Refusal: Error, Equatable, Sendable {
        case nothingRead
    }

    public var initialState: Int { 0 }
    /// A read is on record whatever was read before: concurrent reads share one commit.
    public var decidesOnState: Bool { false }
    public var eventTypes: [EventType] { [EventType(PersonalDataRead.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: Command) -> String { "RecordPersonalDataRead" }

    public func decide(_ command: Command, state _: Int, context: CommandContext) throws(Refusal) -> [PersonalDataRead] {
        switch command {
        case let .recordRead(route, reason, cases):
            guard !cases.isEmpty else { throw .nothingRead }
            return [PersonalDataRead(principal: context.principal.description, route: route, reason: reason, cases: cases.sorted(), at: context.now)]
        }
    }

    public func evolve(_ state: Int, _: PersonalDataRead) -> Int { state + 1 }
}

/// Records reads of patient-related data (the route answers only after its read is on record) and answers
/// "who saw this case".
public final class PersonalDataAuditService: Sendable {
    private let runner: StreamCommandRunner<PersonalDataAuditAggregate>

    public init(store: any EventStore) {
        runner = StreamCommandRunner(store: store, aggregate: PersonalDataAuditAggregate())
    }

    /// Puts a read of `cases` on record; returns once it is durable. Nothing is written when no case was read.
    public func record(route: String, reason: String, cases: some Collection<String>, by principal: Principal, at now: Timestamp) async throws {
        guard !cases.isEmpty else { return }
        _ = try await runner.execute(.recordRead(route: route, reason: reason, cases: Array(Set(cases))), id: (),
                                     context: CommandContext(now: now, principal: principal))
    }

    /// A page of the reads on record, oldest first: at most `limit` after stream version `version`.
    public func page(after version: Int64, limit: Int) async throws -> [(record: RecordedEvent, event: PersonalDataRead?)] {
        try await runner.page((), after: version, limit: limit)
    }

    /// Every read on record that included `caseId` (all reads when nil), oldest first.
    public func reads(of caseId: String? = nil) async throws -> [PersonalDataRead] {
        let aggregate = runner.aggregate
        // A record that does not read is an error, not a gap in the answer to a data subject.
        return try await runner.store.readStream(PersonalDataAuditAggregate.stream).compactMap { try aggregate.decode($0) }
            .filter { caseId == nil || $0.cases.contains(caseId!) }
    }
}
