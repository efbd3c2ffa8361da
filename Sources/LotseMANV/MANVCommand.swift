import LotseDomain

/// What a dispatcher, a hospital or a crew asks of an incident.
public enum MANVCommand: Sendable, Equatable {
    /// Open an incident and ask the hospitals within reach (the service found them and their drive times).
    case open(MANVOpening)
    /// A hospital's acceptance: first hour and surge per category, each at most `limit` (the bound for its size).
    case answer(hospital: HospitalID, firstHour: MANVCounts, surge: MANVCounts, limit: Int)
    /// Widen the reach: `asked` are the hospitals within the new reach (the service found them); those not asked yet
    /// are asked by `answerBy`.
    case extendReach(reachMinutes: Double, asked: [MANVAskedHospital], answerBy: Timestamp)
    /// Remind the hospitals that have not answered.
    case remind
    /// More patients found on scene.
    case reportPatients([MANVPatientGroup])
    /// Plan on the hospitals' surge counts from now on.
    case declareSurge(reason: String)
    /// Lotse's plan for the patients on scene; `resources`: what each asked hospital can take now (its profile less
    /// closed resources).
    case plan(resources: [HospitalID: ResourceSet])
    /// The dispatcher confirms plan `number` (refused when a newer one was made meanwhile).
    case confirm(number: Int)
    /// The dispatcher's own plan, with a reason; checked like Lotse's: counts, needs, patients on scene.
    case change(assignments: [MANVAssignmentRequest], reason: String, resources: [HospitalID: ResourceSet])
    /// A patient leaves for a hospital of the confirmed plan (its announcement was made).
    case transport(announcementId: AnnouncementID, hospital: HospitalID, category: Sichtungskategorie, need: ResourceSet, unit: String)
    /// A transport's announcement was cancelled (the patient did not go): the patient is on scene again, the place free.
    case cancelTransport(announcementId: AnnouncementID, reason: String)
    case close(reason: String)

    public var name: String {
        switch self {
        case .open: "OpenMANVIncident"
        case .answer: "ReportMANVAcceptance"
        case .extendReach: "ExtendMANVReach"
        case .remind: "RemindMANVHospitals"
        case .reportPatients: "ReportMANVPatients"
        case .declareSurge: "DeclareMANVSurge"
        case .plan: "PlanMANVDistribution"
        case .confirm: "ConfirmMANVPlan"
        case .change: "ChangeMANVPlan"
        case .transport: "TransportMANVPatient"
        case .cancelTransport: "CancelMANVTransport"
        case .close: "CloseMANVIncident"
        }
    }
}

/// The data of a new incident.
public struct MANVOpening: Sendable, Equatable {
    public let id: MANVIncidentID
    public let district: DistrictID
    public let label: String
    public let place: GeoPoint
    public let patients: [MANVPatientGroup]
    public let asked: [MANVAskedHospital]
    public let reachMinutes: Double
    public let answerBy: Timestamp

    public init(id: MANVIncidentID, district: DistrictID, label: String, place: GeoPoint, patients: [MANVPatientGroup], asked: [MANVAskedHospital],
                reachMinutes: Double, answerBy: Timestamp) {
        self.id = id
        self.district = district
        self.label = label
        self.place = place
        self.patients = patients
        self.asked = asked
        self.reachMinutes = reachMinutes
        self.answerBy = answerBy
    }
}

/// One line of a dispatcher's plan: patients of a group to a hospital.
public struct MANVAssignmentRequest: Sendable, Hashable, Codable {
    public let hospitalId: HospitalID
    public let category: Sichtungskategorie
    public let need: ResourceSet
    public let patients: Int

    public init(hospitalId: HospitalID, category: Sichtungskategorie, need: ResourceSet = ResourceSet(), patients: Int) {
        self.hospitalId = hospitalId
        self.category = category
        self.need = need
        self.patients = patients
    }
}

/// Why an incident command was refused; `field` names the part of the request that is wrong.
public enum MANVError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound
    case alreadyExists
    case closed
    case labelInvalid
    case patientsInvalid(field: String)
    case noHospitalInReach
    case reachNotWider(current: Double)
    case answerByOutOfRange
    case notAsked(HospitalID)
    case countOutOfRange(field: String, limit: Int)
    case nothingToRemind
    case reasonRequired
    case noPlan
    case planOutdated(current: Int)
    case planNotConfirmed
    case notAnswered(HospitalID)
    case overCount(HospitalID, Sichtungskategorie, places: Int)
    case needNotMet(HospitalID, ResourceSet)
    case moreThanOnScene(Sichtungskategorie, ResourceSet, onScene: Int)
    case notInPlan(HospitalID, Sichtungskategorie)
    case unitRequired
    case transportUnknown(AnnouncementID)
    case noPlaceLeft(HospitalID, Sichtungskategorie)

    /// The request field the refusal is about (problem+json `field`).
    public var field: String? {
        switch self {
        case .notFound, .alreadyExists, .closed, .nothingToRemind, .noPlan, .planNotConfirmed, .notInPlan, .transportUnknown, .noPlaceLeft: nil
        case .labelInvalid: "label"
        case let .patientsInvalid(f): f
        case .noHospitalInReach, .reachNotWider: "reachMinutes"
        case .answerByOutOfRange: "answerMinutes"
        case .notAsked: "hospitalId"
        case let .countOutOfRange(f, _): f
        case .reasonRequired: "reason"
        case .planOutdated: "number"
        case .notAnswered, .overCount, .needNotMet, .moreThanOnScene: "assignments"
        case .unitRequired: "unit"
        }
    }

    public var description: String {
        switch self {
        case .notFound: "MANV-Lage unbekannt / unknown incident"
        case .alreadyExists: "MANV-Lage existiert bereits / incident exists"
        case .closed: "MANV-Lage ist beendet / incident closed"
        case .labelInvalid: "Bezeichnung der Lage fehlt oder ist länger als 120 Zeichen / label required"
        case let .patientsInvalid(f): "Patientenzahlen unplausibel (\(f)): je Gruppe 0–1000, zusammen 1–2000 / patient counts out of range"
        case .noHospitalInReach: "Keine Klinik mit Notaufnahme in Reichweite – Reichweite (reachMinutes) erhöhen / no hospital within reach"
        case let .reachNotWider(r): "Die neue Reichweite muss größer sein als \(Int(r)) min und neue Kliniken erreichen / reach not wider"
        case .answerByOutOfRange: "Antwortfrist unplausibel (1–120 min) / answer deadline out of range"
        case let .notAsked(h): "Klinik \(h) ist für diese Lage nicht angefragt / hospital not asked"
        case let .countOutOfRange(f, limit): "Aufnahmezahl \(f) unplausibel: 0–\(limit) für diese Klinik / acceptance count out of range"
        case .nothingToRemind: "Alle angefragten Kliniken haben geantwortet / every hospital answered"
        case .reasonRequired: "Begründung fehlt oder ist länger als 500 Zeichen / reason required"
        case .noPlan: "Noch kein Verteilungsplan / no plan yet"
        case let .planOutdated(n): "Inzwischen gilt Plan \(n) – bitte diesen prüfen / a newer plan exists"
        case .planNotConfirmed: "Der Verteilungsplan ist noch nicht bestätigt / plan not confirmed"
        case let .notAnswered(h): "Klinik \(h) hat keine Aufnahmebereitschaft gemeldet – sie wird nicht verplant / hospital has not answered"
        case let .overCount(h, c, n): "Klinik \(h) hat für \(c.germanLabel) nur noch \(n) Plätze / over the hospital's count"
        case let .needNotMet(h, need): "Klinik \(h) kann \(need.map(\.germanLabel).joined(separator: ", ")) derzeit nicht / need not met"
        case let .moreThanOnScene(c, _, n): "Mehr \(c.germanLabel)-Patienten verplant als vor Ort (\(n)) / more patients than on scene"
        case let .notInPlan(h, c): "Kein offener Platz für \(c.germanLabel) in Klinik \(h) im bestätigten Plan – Plan ändern / not in the plan"
        case .unitRequired: "Einsatzmittel (unit) fehlt / unit required"
        case let .noPlaceLeft(h, c): "Klinik \(h) hat ihre Aufnahme für \(c.germanLabel) gesenkt – kein Platz mehr; bitte neu planen / the hospital lowered its answer"
        case let .transportUnknown(a): "Kein Transport dieser Lage mit Voranmeldung \(a) / no such transport"
        }
    }
}
