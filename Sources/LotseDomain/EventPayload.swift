/// An event payload with a stable stored type name and the schema version it is written in. Every stored event
/// type of Lotse is one such struct; an older version is lifted by an upcaster when read.
public protocol EventPayload: Codable, Sendable, Hashable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
}
