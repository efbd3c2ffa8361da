import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore
import LotseTokens

/// A token was revoked: every node refuses it from the moment it applies this event.
public struct TokenRevoked: EventPayload {
    public static let eventType = "TokenRevoked"
    public static let schemaVersion = 1
    /// The token's id (`jti`).
    public let jti: String
    public let reason: String
    public let at: Timestamp
}

/// Why a revocation was refused.
public enum TokenRevocationError: Error, Equatable, Sendable {
    /// 1–200 visible characters.
    case invalidTokenID
    /// 1–500 characters.
    case reasonRequired
}

/// The revocation list as an aggregate: one stream; its state is the set of revoked ids. Revoking an id twice
/// writes nothing the second time.
public struct TokenRevocationAggregate: Aggregate {
    public static let stream = StreamID("security-token-revocations")

    public init() {}

    public enum Command: Sendable {
        case revoke(jti: String, reason: String)
    }

    public var initialState: Set<String> { [] }
    public var eventTypes: [EventType] { [EventType(TokenRevoked.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: Command) -> String { "RevokeToken" }

    public func decide(_ command: Command, state: Set<String>, context: CommandContext) throws(TokenRevocationError) -> [TokenRevoked] {
        switch command {
        case let .revoke(jti, reason):
            guard (1...200).contains(jti.utf8.count), jti.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .invalidTokenID }
            let why = reason.trimmedWhitespace
            guard !why.isEmpty, why.count <= 500 else { throw .reasonRequired }
            guard !state.contains(jti) else { return [] }
            return [TokenRevoked(jti: jti, reason: why, at: context.now)]
        }
    }

    public func evolve(_ state: Set<String>, _ event: TokenRevoked) -> Set<String> { state.union([event.jti]) }
}

/// Revokes tokens (a command on the one command path) and keeps a node's `RevocationList` in step with the log.
public final class TokenRevocationService: Sendable {
    private let runner: StreamCommandRunner<TokenRevocationAggregate>
    public let list: RevocationList

    public init(store: any EventStore, list: RevocationList) {
        runner = StreamCommandRunner(store: store, aggregate: TokenRevocationAggregate())
        self.list = list
    }

    /// Puts the revocation on record (nothing new when the id was revoked before); the caller's node applies it with
    /// the projection step that reaches the returned position.
    public func revoke(jti: String, reason: String, by principal: Principal, at now: Timestamp, idempotencyKey: String? = nil,
                       correlationId: String? = nil) async throws -> StreamCommandRunner<TokenRevocationAggregate>.Outcome {
        let o = try await runner.execute(.revoke(jti: jti, reason: reason), id: (), context: CommandContext(now: now, principal: principal),
                                         idempotencyKey: idempotencyKey, correlationId: correlationId)
        // Refused on this node at once; on the others from their projection step.
        for e in o.events { list.insert(e.jti) }
        return o
    }

    /// Every revocation on record, oldest first.
    public func all() async throws -> [(TokenRevoked, RecordedEvent)] {
        let aggregate = runner.aggregate
        return try await runner.store.readStream(TokenRevocationAggregate.stream).compactMap { r in (try? aggregate.decode(r)).flatMap { $0 }.map { ($0, r) } }
    }

    /// Reads every revocation into the list (at start, after the projection's rebuild; later ones arrive by `apply`).
    public func load() async throws {
        for (e, _) in try await all() { list.insert(e.jti) }
    }

    /// Applies one event of the log if it is a revocation (called for every event the projection applies).
    public func apply(_ r: RecordedEvent) {
        guard r.stream == TokenRevocationAggregate.stream, let e = try? runner.aggregate.decode(r) else { return }
        list.insert(e.jti)
    }
}
