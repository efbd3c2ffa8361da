import LotseDomain

/// A hospital asked for its MANV acceptance: those within the incident's reach, with their drive time from the scene.
public struct MANVAskedHospital: Sendable, Hashable, Codable {
    public let hospitalId: HospitalID
    public let name: String
    public let driveMinutes: Double

    public init(hospitalId: HospitalID, name: String, driveMinutes: Double) {
        self.hospitalId = hospitalId
        self.name = name
        self.driveMinutes = driveMinutes
    }
}

/// A dispatcher opened a mass-casualty incident; the hospitals within reach are asked for their acceptance by `answerBy`.
public struct MANVIncidentOpened: EventPayload {
    public static let eventType = "MANV.IncidentOpened"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let district: DistrictID
    public let label: String
    public let place: GeoPoint
    /// Patients expected or found so far, by category and need.
    public let patients: [MANVPatientGroup]
    public let asked: [MANVAskedHospital]
    public let reachMinutes: Double
    public let answerBy: Timestamp
    public let occurredAt: Timestamp
}

/// A hospital's answer: how many of each category it takes in the first hour, and how many more with surge
/// (additional beds within the next hours — only planned on when the dispatcher declares surge). A later answer replaces it.
public struct MANVAcceptanceReported: EventPayload {
    public static let eventType = "MANV.AcceptanceReported"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let hospitalId: HospitalID
    public let firstHour: MANVCounts
    public let surge: MANVCounts
    public let occurredAt: Timestamp
}

/// The dispatcher widened the reach: the hospitals newly within it are asked too, by a new deadline of their own.
public struct MANVReachExtended: EventPayload {
    public static let eventType = "MANV.ReachExtended"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let reachMinutes: Double
    public let asked: [MANVAskedHospital]
    public let answerBy: Timestamp
    public let occurredAt: Timestamp
}

/// The dispatcher reminded the hospitals that have not answered.
public struct MANVReminderSent: EventPayload {
    public static let eventType = "MANV.ReminderSent"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let hospitals: [HospitalID]
    public let occurredAt: Timestamp
}

/// More patients were found on scene (added to those of the incident).
public struct MANVPatientsReported: EventPayload {
    public static let eventType = "MANV.PatientsReported"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let patients: [MANVPatientGroup]
    public let occurredAt: Timestamp
}

/// The dispatcher declared surge: plans may draw on the hospitals' surge counts.
public struct MANVSurgeDeclared: EventPayload {
    public static let eventType = "MANV.SurgeDeclared"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let reason: String
    public let occurredAt: Timestamp
}

/// A distribution plan for the patients still on scene: Lotse's proposal (`reason` nil) or the dispatcher's change
/// (with its reason, and confirmed by being made). Hospitals without an answer are named; none of them is planned on.
public struct MANVPlanMade: EventPayload {
    public static let eventType = "MANV.PlanMade"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let number: Int
    public let assignments: [MANVPlan.Assignment]
    public let unplaced: [MANVPatientGroup]
    public let withoutAnswer: [HospitalID]
    public let surge: Bool
    /// The dispatcher's reason for changing Lotse's plan; nil for Lotse's proposal.
    public let changeReason: String?
    public let occurredAt: Timestamp
}

/// The dispatcher confirmed plan `number`: transports may start.
public struct MANVPlanConfirmed: EventPayload {
    public static let eventType = "MANV.PlanConfirmed"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let number: Int
    public let occurredAt: Timestamp
}

/// A patient left the scene for a hospital of the plan; the announcement carries ETA, acknowledgement and arrival.
public struct MANVPatientTransported: EventPayload {
    public static let eventType = "MANV.PatientTransported"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let announcementId: AnnouncementID
    public let hospitalId: HospitalID
    public let category: Sichtungskategorie
    public let need: ResourceSet
    public let unit: String
    public let occurredAt: Timestamp
}

/// A transport's announcement was cancelled: the patient counts as on scene again and the hospital's place as free.
public struct MANVTransportCancelled: EventPayload {
    public static let eventType = "MANV.TransportCancelled"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let announcementId: AnnouncementID
    public let hospitalId: HospitalID
    public let reason: String
    public let occurredAt: Timestamp
}

/// The incident is over (last patient transported, or called off).
public struct MANVIncidentClosed: EventPayload {
    public static let eventType = "MANV.IncidentClosed"
    public static let schemaVersion = 1
    public let incidentId: MANVIncidentID
    public let reason: String
    public let occurredAt: Timestamp
}

/// Every event of an incident's stream.
public enum MANVEvent: Sendable, Hashable {
    case opened(MANVIncidentOpened)
    case acceptance(MANVAcceptanceReported)
    case extended(MANVReachExtended)
    case reminded(MANVReminderSent)
    case patients(MANVPatientsReported)
    case surge(MANVSurgeDeclared)
    case plan(MANVPlanMade)
    case confirmed(MANVPlanConfirmed)
    case transported(MANVPatientTransported)
    case transportCancelled(MANVTransportCancelled)
    case closed(MANVIncidentClosed)

    public var payload: any EventPayload {
        switch self {
        case let .opened(p): p
        case let .acceptance(p): p
        case let .extended(p): p
        case let .reminded(p): p
        case let .patients(p): p
        case let .surge(p): p
        case let .plan(p): p
        case let .confirmed(p): p
        case let .transported(p): p
        case let .transportCancelled(p): p
        case let .closed(p): p
        }
    }

    public var typeName: String { type(of: payload).eventType }

    public static let payloadTypes: [any EventPayload.Type] = [
        MANVIncidentOpened.self, MANVAcceptanceReported.self, MANVReachExtended.self, MANVReminderSent.self, MANVPatientsReported.self, MANVSurgeDeclared.self,
        MANVPlanMade.self, MANVPlanConfirmed.self, MANVPatientTransported.self, MANVTransportCancelled.self, MANVIncidentClosed.self,
    ]

    /// The event of a stored payload of `type`, nil for a type of another aggregate.
    public static func decode(type: String, from json: (any EventPayload.Type) throws -> any EventPayload) throws -> MANVEvent? {
        guard let t = payloadTypes.first(where: { $0.eventType == type }) else { return nil }
        switch try json(t) {
        case let p as MANVIncidentOpened: return .opened(p)
        case let p as MANVAcceptanceReported: return .acceptance(p)
        case let p as MANVReachExtended: return .extended(p)
        case let p as MANVReminderSent: return .reminded(p)
        case let p as MANVPatientsReported: return .patients(p)
        case let p as MANVSurgeDeclared: return .surge(p)
        case let p as MANVPlanMade: return .plan(p)
        case let p as MANVPlanConfirmed: return .confirmed(p)
        case let p as MANVPatientTransported: return .transported(p)
        case let p as MANVTransportCancelled: return .transportCancelled(p)
        case let p as MANVIncidentClosed: return .closed(p)
        default: return nil
        }
    }
}
