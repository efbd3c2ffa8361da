/// The national hospital site id (STOID, e.g. `771003`) or another stable site id.
public struct HospitalID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1–32 characters of `A–Z a–z 0–9 - _ .`; anything else is not an id.
    public init?(_ rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 32,
              rawValue.utf8.allSatisfy({ $0.isIdentifierByte })
        else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: HospitalID, rhs: HospitalID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = HospitalID(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid hospital id \(raw)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A string identifier whose kind is its `Tag` (so a centre id is never passed where a district is expected).
/// Encodes as a plain JSON string.
public struct StringID<Tag>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: StringID, rhs: StringID) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Tag of `DistrictID`.
public enum DistrictTag {}
/// A Rettungsdienstbereich (rescue-service district), e.g. `Vorpommern-Rügen`.
public typealias DistrictID = StringID<DistrictTag>

/// Who made a change: a role and an id within it, written as `role:id` (e.g. `hospital:771003`, `operator:jana`).
public struct Principal: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kinds of principal that write to the log: the five roles a token carries, an operator at the command line,
    /// and Lotse itself (imports, timers).
    public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
        case hospital, dispatcher, crew, physician, admin, `operator`, system
    }

    public let role: Role
    public let id: String

    public init(role: Role, id: String) {
        self.role = role
        self.id = id
    }

    /// The principal of seeding and imports.
    public static let importer = Principal(role: .system, id: "import")
    /// The principal of timers (closure expiry) inside Lotse.
    public static let system = Principal(role: .system, id: "lotse")

    public var description: String { "\(role.rawValue):\(id)" }
}

extension UInt8 {
    /// `A–Z a–z 0–9 - _ .`: the bytes of Lotse's ids.
    public var isIdentifierByte: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
            || self == 0x2D || self == 0x5F || self == 0x2E
    }
}
