import LotseApplication
import LotseCapacity

/// What a command answers: the log position it committed (for `minPosition`) and what it wrote.
struct CommandResult: Codable, Sendable {
    let position: Int64
    let streamVersion: Int64
    /// Event types written; empty for a no-op or a retry (see `deduplicated`).
    let events: [String]
    let deduplicated: Bool

    init(position: Int64, streamVersion: Int64, events: [String], deduplicated: Bool) {
        (self.position, self.streamVersion, self.events, self.deduplicated) = (position, streamVersion, events, deduplicated)
    }

    init(_ o: CapacityService.Outcome) {
        position = o.position
        streamVersion = o.streamVersion
        events = o.events.map(\.typeName)
        deduplicated = o.deduplicated
    }
}

extension CommandResult: DirectJSON {
    /// The document `JSONEncoder` writes (keys sorted), without it: every write answers with one (issue 16).
    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("deduplicated"); w.bool(deduplicated)
        w.key("events"); w.array(events) { $0.string($1) }
        w.key("position"); w.int(Int(position))
        w.key("streamVersion"); w.int(Int(streamVersion))
        w.endObject()
    }
}
