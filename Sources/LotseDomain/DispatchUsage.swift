/// How many dispatch questions one node answered in one hour (stream `usage-dispatch`): the questions are reads and
/// are not written one by one; each node writes its count when the hour is over (and what it has at shutdown, so
/// nothing counted is lost — a later event for the same hour adds to it).
public struct DispatchQueriesCounted: EventPayload, Hashable {
    public static let eventType = "DispatchQueriesCounted"
    public static let schemaVersion = 1
    /// The start of the hour (UTC, whole hour).
    public let hourStart: Timestamp
    public let queries: Int
    /// The node that answered them.
    public let node: String
    public let occurredAt: Timestamp

    public init(hourStart: Timestamp, queries: Int, node: String, occurredAt: Timestamp) {
        self.hourStart = hourStart
        self.queries = queries
        self.node = node
        self.occurredAt = occurredAt
    }

    public static let stream = "usage-dispatch"

    /// The whole UTC hour `t` lies in.
    public static func hour(of t: Timestamp) -> Timestamp { Timestamp(millis: t.millis - ((t.millis % 3_600_000) + 3_600_000) % 3_600_000) }
}
