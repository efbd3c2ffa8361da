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

    enum CodingKeys: String, CodingKey { case principal, correlationId, idempotencyKey, command, input }

    /// Reads every metadata Lotse wrote: Telenotarzt and audit events before the one command path stored only
    /// `principal` (and the input's text as `input`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        principal = try c.decode(String.self, forKey: .principal)
        correlationId = try c.decodeIfPresent(String.self, forKey: .correlationId) ?? ""
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        command = try c.decodeIfPresent(String.self, forKey: .command) ?? c.decodeIfPresent(String.self, forKey: .input) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(principal, forKey: .principal)
        try c.encode(correlationId, forKey: .correlationId)
        try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try c.encode(command, forKey: .command)
    }

    /// The metadata as stored: compact JSON, keys sorted (what `JSONEncoder` with `.sortedKeys` writes).
    public var json: [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.field("command") { $0.string(command) }
            w.field("correlationId") { $0.string(correlationId) }
            if let k = idempotencyKey { w.field("idempotencyKey") { $0.string(k) } }
            w.field("principal") { $0.string(principal) }
        }
        return w.bytes
    }
}
