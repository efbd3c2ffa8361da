/// A fact about an announcement. Every event repeats hospital, district and unit, so a stream of events can be
/// filtered by who may see it without looking anything up.
public enum AnnouncementEvent: Sendable, Hashable {
    case announced(PatientAnnounced)
    case acknowledged(AnnouncementAcknowledged)
    case arrived(PatientArrived)
    case handedOver(PatientHandedOver)
    case cancelled(AnnouncementCancelled)
    case escalated(AnnouncementEscalated)

    public var header: AnnouncementHeader {
        switch self {
        case let .announced(e): e.header
        case let .acknowledged(e): e.header
        case let .arrived(e): e.header
        case let .handedOver(e): e.header
        case let .cancelled(e): e.header
        case let .escalated(e): e.header
        }
    }

    public var occurredAt: Timestamp {
        switch self {
        case let .announced(e): e.occurredAt
        case let .acknowledged(e): e.occurredAt
        case let .arrived(e): e.occurredAt
        case let .handedOver(e): e.occurredAt
        case let .cancelled(e): e.occurredAt
        case let .escalated(e): e.occurredAt
        }
    }

    /// The payload's type: its stored name (stable; never rename) and the schema version written.
    public var payloadType: any EventPayload.Type {
        switch self {
        case .announced: PatientAnnounced.self
        case .acknowledged: AnnouncementAcknowledged.self
        case .arrived: PatientArrived.self
        case .handedOver: PatientHandedOver.self
        case .cancelled: AnnouncementCancelled.self
        case .escalated: AnnouncementEscalated.self
        }
    }

    public var typeName: String { payloadType.eventType }
    public var schemaVersion: Int { payloadType.schemaVersion }

    /// Every announcement event type, once.
    public static let payloadTypes: [any EventPayload.Type] = [
        PatientAnnounced.self, AnnouncementAcknowledged.self, PatientArrived.self, PatientHandedOver.self, AnnouncementCancelled.self,
        AnnouncementEscalated.self,
    ]
}

/// Who an announcement concerns: in every announcement event.
public struct AnnouncementHeader: Sendable, Hashable, Codable {
    public let announcementId: AnnouncementID
    public let hospitalId: HospitalID
    public let district: DistrictID
    public let unit: String

    public init(announcementId: AnnouncementID, hospitalId: HospitalID, district: DistrictID, unit: String) {
        self.announcementId = announcementId
        self.hospitalId = hospitalId
        self.district = district
        self.unit = unit
    }
}

/// A patient was announced to a hospital (Voranmeldung).
public struct PatientAnnounced: EventPayload {
    public static let eventType = "PatientAnnounced"
    public static let schemaVersion = 1
    public let header: AnnouncementHeader
    public let pzc: String
    public let urgency: Urgency
    public let flags: [AnnouncementFlag]
    public let eta: Timestamp
    public let bedCategory: BedCategory
    public let overrideReason: String?
    public let overriddenResources: [ResourceKey]
    /// `role:id` of who announced (also in the metadata; here for the arrivals board).
    public let announcedBy: String
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, pzc: String, urgency: Urgency, flags: [AnnouncementFlag], eta: Timestamp, bedCategory: BedCategory, overrideReason: String?, overriddenResources: [ResourceKey], announcedBy: String, occurredAt: Timestamp) {
        self.header = header
        self.pzc = pzc
        self.urgency = urgency
        self.flags = flags
        self.eta = eta
        self.bedCategory = bedCategory
        self.overrideReason = overrideReason
        self.overriddenResources = overriddenResources
        self.announcedBy = announcedBy
        self.occurredAt = occurredAt
    }
}

/// The hospital acknowledged the announcement.
public struct AnnouncementAcknowledged: EventPayload {
    public static let eventType = "AnnouncementAcknowledged"
    public static let schemaVersion = 1
    public let header: AnnouncementHeader
    public let acknowledgedBy: String
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, acknowledgedBy: String, occurredAt: Timestamp) {
        self.header = header
        self.acknowledgedBy = acknowledgedBy
        self.occurredAt = occurredAt
    }
}

/// The patient arrived and was handed over.
public struct PatientArrived: EventPayload {
    public static let eventType = "PatientArrived"
    /// v2 (issue 13): `arrivedAt` added and `handoverAt` optional — a crew reports the arrival, the hospital the
    /// hand-over later (offload delay). v1 rows are upcast with `arrivedAt = occurredAt` (when it was reported).
    public static let schemaVersion = 2
    public let header: AnnouncementHeader
    /// When the patient reached the hospital.
    public let arrivedAt: Timestamp
    /// When the hospital took the patient over; nil until it says so (`PatientHandedOver`).
    public let handoverAt: Timestamp?
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, arrivedAt: Timestamp, handoverAt: Timestamp?, occurredAt: Timestamp) {
        self.header = header
        self.arrivedAt = arrivedAt
        self.handoverAt = handoverAt
        self.occurredAt = occurredAt
    }
}

/// The hospital took over a patient whose arrival the crew had reported: arrival → hand-over is the offload delay.
public struct PatientHandedOver: EventPayload {
    public static let eventType = "PatientHandedOver"
    public static let schemaVersion = 1
    public let header: AnnouncementHeader
    public let handoverAt: Timestamp
    /// Minutes from arrival to hand-over.
    public let offloadMinutes: Double
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, handoverAt: Timestamp, offloadMinutes: Double, occurredAt: Timestamp) {
        self.header = header
        self.handoverAt = handoverAt
        self.offloadMinutes = offloadMinutes
        self.occurredAt = occurredAt
    }
}

/// The announcement was called off.
public struct AnnouncementCancelled: EventPayload {
    public static let eventType = "AnnouncementCancelled"
    public static let schemaVersion = 1
    public let header: AnnouncementHeader
    public let reason: String
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, reason: String, occurredAt: Timestamp) {
        self.header = header
        self.reason = reason
        self.occurredAt = occurredAt
    }
}

/// A red (urgency 1) announcement was not acknowledged in time: the Leitstelle should phone the hospital.
public struct AnnouncementEscalated: EventPayload {
    public static let eventType = "AnnouncementEscalated"
    public static let schemaVersion = 1
    public let header: AnnouncementHeader
    public let waitedSeconds: Int64
    public let occurredAt: Timestamp

    public init(header: AnnouncementHeader, waitedSeconds: Int64, occurredAt: Timestamp) {
        self.header = header
        self.waitedSeconds = waitedSeconds
        self.occurredAt = occurredAt
    }
}
