import LotseDomain

/// Who caused an event and why, stored beside every event.
public struct EventMetadata: Codable, Sendable, Hashable {
    /// `role:id` of the principal that issued the command.
    public let principal: String
    /// Ties together everything one request caused.
    public let correlationId: String
    /// The client's idempotency key, when it sent one.
    public let idempotencyKey: String?
    /// The command that produced the event.
    public let command: String

    public init(principal: Principal, correlationId: String, idempotencyKey: String?, command: String) {
        self.principal = principal.description
        self.correlationId = correlationId
        self.idempotencyKey = idempotencyKey
        self.command = command
    }
}
