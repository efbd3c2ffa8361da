/// The id of an announcement (Voranmeldung), assigned by Lotse when it is created.
public struct AnnouncementID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// 1–64 characters of `A–Z a–z 0–9 - _ .`.
    public init?(_ rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 64, rawValue.utf8.allSatisfy({ $0.isIdentifierByte }) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (a: AnnouncementID, b: AnnouncementID) -> Bool { a.rawValue < b.rawValue }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let id = AnnouncementID(try c.decode(String.self)) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid announcement id") }
        self = id
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// What a crew or Leitstelle tells the hospital about the patient.
public enum AnnouncementFlag: String, Sendable, Codable, CaseIterable, Comparable {
    /// Schockraum alert: the team waits in the resuscitation room.
    case traumaBay = "schockraum"
    /// Ventilated (beatmet).
    case ventilated = "beatmet"
    /// Under resuscitation (reanimiert).
    case resuscitated = "reanimiert"
    /// Infectious (infektiös): isolation needed.
    case infectious = "infektioes"

    public static func < (a: AnnouncementFlag, b: AnnouncementFlag) -> Bool { a.rawValue < b.rawValue }
}

/// Where an announcement stands.
public enum AnnouncementStatus: String, Sendable, Codable {
    /// Announced, not yet acknowledged by the hospital.
    case announced
    /// The hospital has seen it.
    case acknowledged
    /// The patient was handed over.
    case arrived
    /// Called off (patient went elsewhere, not transported, …).
    case cancelled

    /// The patient is on the way (counts against the hospital's capacity).
    public var isEnRoute: Bool { self == .announced || self == .acknowledged }
}

/// The state of one announcement, folded from its events.
public struct AnnouncementState: Hashable, Sendable, Codable {
    public let id: AnnouncementID
    public let hospitalId: HospitalID
    public let pzc: String
    public let urgency: Urgency
    public let flags: [AnnouncementFlag]
    public let eta: Timestamp
    public let unit: String
    public let district: DistrictID
    /// The bed category the patient will need (for the load penalty).
    public let bedCategory: BedCategory
    /// Set when announced despite a closure ("Zuweisung trotz Abmeldung").
    public let overrideReason: String?
    public let overriddenResources: [ResourceKey]
    public let announcedAt: Timestamp
    public let announcedBy: String
    public var status: AnnouncementStatus
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
    public var arrivedAt: Timestamp?
    public var handoverAt: Timestamp?
    public var cancelledAt: Timestamp?
    public var cancelReason: String?
    public var escalatedAt: Timestamp?
    public var version: Int64
}
