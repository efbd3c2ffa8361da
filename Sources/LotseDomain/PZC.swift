/// Urgency of a PZC: 1 red (immediate), 2 yellow, 3 green.
public enum Urgency: Int, Sendable, Codable, CaseIterable, Comparable {
    case red = 1
    case yellow = 2
    case green = 3

    public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.rawValue < rhs.rawValue }

    public var germanLabel: String {
        switch self {
        case .red: "rot (sofort)"
        case .yellow: "gelb (dringlich)"
        case .green: "grün (normal)"
        }
    }
}

/// The 3-digit Rückmeldeindikation (RMI), the indication part of a PZC.
public struct RMI: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    /// Exactly three ASCII digits.
    public init?(_ code: String) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        self.code = code
    }

    public var description: String { code }
    public static func < (lhs: RMI, rhs: RMI) -> Bool { lhs.code < rhs.code }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let r = RMI(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "RMI must be three digits")
        }
        self = r
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

/// Patientenzuweisungscode: RMI (3 digits) + age (2 digits, 00–99) + urgency (1 digit, 1–3).
public struct PZC: Hashable, Sendable, CustomStringConvertible {
    public let rmi: RMI
    public let age: Int
    public let urgency: Urgency

    public init(rmi: RMI, age: Int, urgency: Urgency) throws(PZCError) {
        guard (0...99).contains(age) else { throw .ageOutOfRange(age) }
        self.rmi = rmi
        self.age = age
        self.urgency = urgency
    }

    /// Parses `421701` or `421-70-1` (also with spaces), validating every part.
    public init(parsing text: String) throws(PZCError) {
        // On the UTF-8 bytes (it runs on every dispatch query): dashes and spaces skipped, exactly six ASCII digits.
        var value = 0, count = 0
        for b in text.utf8 where b != UInt8(ascii: "-") && b != UInt8(ascii: " ") {
            guard count < 6, (0x30...0x39).contains(b) else { throw .malformed(text) }
            value = value * 10 + Int(b - 0x30)
            count += 1
        }
        guard count == 6 else { throw .malformed(text) }
        let code = value / 1000
        let rmi = RMI(String(unsafeUninitializedCapacity: 3) { buf in
            buf[0] = UInt8(0x30 + code / 100); buf[1] = UInt8(0x30 + (code / 10) % 10); buf[2] = UInt8(0x30 + code % 10)
            return 3
        })!
        guard let urgency = Urgency(rawValue: value % 10) else { throw .urgencyOutOfRange(value % 10) }
        try self.init(rmi: rmi, age: (value / 10) % 100, urgency: urgency)
    }

    /// `421701`.
    public var description: String { rmi.code + pad(Int64(age), 2) + String(urgency.rawValue) }
}

/// Why a PZC is not valid. The caller should show the message and ask for a corrected code.
public enum PZCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not six digits (dashes and spaces allowed between the parts).
    case malformed(String)
    /// Age outside 00–99.
    case ageOutOfRange(Int)
    /// Urgency digit not 1, 2 or 3.
    case urgencyOutOfRange(Int)

    public var description: String {
        switch self {
        case let .malformed(t): "PZC „\(t)“ ist ungültig: erwartet werden 6 Ziffern (RMI 3, Alter 2, Dringlichkeit 1), z. B. 421701 / PZC must be 6 digits"
        case let .ageOutOfRange(a): "Alter \(a) ist ungültig: erlaubt sind 0–99 / age must be 0–99"
        case let .urgencyOutOfRange(u): "Dringlichkeit \(u) ist ungültig: erlaubt sind 1 (rot), 2 (gelb), 3 (grün) / urgency must be 1, 2 or 3"
        }
    }
}
