import Foundation

/// A personal field sealed under the key of one case (AES-256-GCM: nonce ‖ ciphertext ‖ tag). The log holds only
/// this; the case's key lives in a key store beside the log, and destroying it erases the field everywhere the log
/// is copied (crypto-shredding). Stored as `{"case": …, "sealed": <base64>}`.
public struct SealedText: Sendable, Hashable, Codable {
    public let caseId: String
    public let box: Data

    public init(caseId: String, box: Data) {
        self.caseId = caseId
        self.box = box
    }

    enum CodingKeys: String, CodingKey {
        case caseId = "case"
        case box = "sealed"
    }
}

/// A personal free text as an event carries it: sealed (written since 2026-12), or clear (older events, and the
/// opened text an authorised reader is shown). Decodes a JSON string as clear, an object as sealed.
public enum PersonalNote: Sendable, Hashable, Codable {
    case clear(String)
    case sealed(SealedText)

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .clear(text)
        } else {
            self = .sealed(try SealedText(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .clear(text):
            var c = encoder.singleValueContainer()
            try c.encode(text)
        case let .sealed(s): try s.encode(to: encoder)
        }
    }
}

/// What an authorised reader gets for a personal field.
public enum OpenedText: Sendable, Equatable {
    case text(String)
    /// The case's key was destroyed when its retention period ended.
    case erased
    /// The key (or the master key that wraps it) is missing, or the box does not open: never shown as a text.
    case unavailable(String)

    public static let erasedLabel = "gelöscht (Aufbewahrungsfrist abgelaufen)"

    /// What people see.
    public var display: String {
        switch self {
        case let .text(t): t
        case .erased: Self.erasedLabel
        case let .unavailable(why): "nicht lesbar (\(why))"
        }
    }
}
