import Foundation
import LotseDomain

/// Chained pure functions that lift an old stored payload to the current schema version on read.
/// Stored rows are never rewritten.
public struct EventUpcasting: Sendable {
    public typealias Step = @Sendable (inout [String: JSONValue]) throws -> Void

    private var steps: [String: [Int: Step]] = [:]

    public init() {}

    /// Registers the step that turns version `from` of `type` into version `from + 1`.
    public mutating func register(type: String, from version: Int, _ step: @escaping Step) {
        steps[type, default: [:]][version] = step
    }

    /// Lifts `payload` from `version` to `target`; throws when a step is missing, and for a version newer than
    /// `target` (written by a later Lotse: reading it as the current one could be silently wrong).
    public func upcast(type: String, version: Int, to target: Int, payload: Data) throws -> Data {
        guard version <= target else {
            throw EventStoreError.storage("\(type) v\(version) is newer than this Lotse reads (v\(target)); update Lotse")
        }
        guard version < target else { return payload }
        guard var object = try JSONDecoder().decode(JSONValue.self, from: payload).objectValue else {
            throw EventStoreError.storage("payload of \(type) v\(version) is not a JSON object")
        }
        for v in version..<target {
            guard let step = steps[type]?[v] else {
                throw EventStoreError.storage("no upcaster for \(type) v\(v) → v\(v + 1)")
            }
            try step(&object)
        }
        return try JSONEncoder().encode(JSONValue.object(object))
    }
}
