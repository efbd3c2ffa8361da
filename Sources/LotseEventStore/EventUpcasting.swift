import Foundation

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

/// A JSON value, for upcasters that reshape old payloads.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var objectValue: [String: JSONValue]? {
        if case let .object(o) = self { return o }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .number(n): try c.encode(n)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }
}
