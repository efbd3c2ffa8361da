import LotseCapacity

/// What a command answers: the log position it committed (for `minPosition`) and what it wrote.
struct CommandResult: Codable, Sendable {
    let position: Int64
    let streamVersion: Int64
    /// Event types written; empty for a no-op or a retry (see `deduplicated`).
    let events: [String]
    let deduplicated: Bool

    init(_ o: CapacityService.Outcome) {
        position = o.position
        streamVersion = o.streamVersion
        events = o.events.map(\.typeName)
        deduplicated = o.deduplicated
    }
}
