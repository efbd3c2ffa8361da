import LotseDomain

/// A mass-casualty incident's id: 1–64 characters of `A–Z a–z 0–9 - _ .` (the server gives a UUID).
public struct MANVIncidentID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 64, rawValue.utf8.allSatisfy({ $0.isIdentifierByte }) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let id = Self(try c.decode(String.self)) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid incident id") }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
