/// What a crew, Leitstelle, hospital or timer asks of an announcement.
public enum AnnouncementCommand: Sendable, Equatable {
    /// Announce a patient to a hospital.
    case announce(AnnouncementRequest)
    /// The hospital has seen it.
    case acknowledge
    /// The patient was handed over (at `handoverAt`, default now).
    case arrive(handoverAt: Timestamp?)
    /// The crew reports that the patient is at the hospital (at `at`, default now: a report sent after a Funkloch
    /// keeps the time it was made); the hospital records the hand-over later.
    case arriveAwaitingHandover(at: Timestamp?)
    /// The hospital took over a patient whose arrival was reported (at `at`, default now).
    case handOver(at: Timestamp?)
    /// Call it off with a reason.
    case cancel(reason: String)
    /// Timer: escalate a red announcement unacknowledged for `thresholdSeconds` (no-op otherwise).
    case escalate(thresholdSeconds: Int64)

    public var name: String {
        switch self {
        case .announce: "AnnouncePatient"
        case .acknowledge: "AcknowledgeAnnouncement"
        case .arrive: "RecordArrival"
        case .arriveAwaitingHandover: "RecordArrivalAwaitingHandover"
        case .handOver: "RecordHandover"
        case .cancel: "CancelAnnouncement"
        case .escalate: "EscalateAnnouncement"
        }
    }
}

/// The data of a new announcement. `blockingResources` is what the application found at the hospital for the
/// PZC: required resources that are closed or missing from its profile; announcing despite them needs a reason.
public struct AnnouncementRequest: Sendable, Equatable {
    public let header: AnnouncementHeader
    public let pzc: PZC
    public let flags: [AnnouncementFlag]
    public let eta: Timestamp
    public let bedCategory: BedCategory
    public let blockingResources: [ResourceKey]
    public let overrideReason: String?

    public init(header: AnnouncementHeader, pzc: PZC, flags: [AnnouncementFlag], eta: Timestamp, bedCategory: BedCategory,
                blockingResources: [ResourceKey], overrideReason: String?) {
        self.header = header
        self.pzc = pzc
        self.flags = flags
        self.eta = eta
        self.bedCategory = bedCategory
        self.blockingResources = blockingResources
        self.overrideReason = overrideReason
    }
}

/// Why an announcement command was refused. Each case says what the caller should do.
public enum AnnouncementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The id exists; retry with the same Idempotency-Key instead of a new announcement.
    case alreadyExists(AnnouncementID)
    /// No such announcement.
    case notFound
    /// Give the unit (1–64 characters).
    case unitRequired
    /// The ETA must lie between 15 minutes ago and 12 hours ahead.
    case etaOutOfRange(Timestamp)
    /// Required resources are closed or missing: give `overrideReason` ("Zuweisung trotz Abmeldung").
    case overrideReasonRequired([ResourceKey])
    /// A cancel reason or override reason must be 1–500 characters.
    case reasonRequired
    /// Already acknowledged.
    case alreadyAcknowledged
    /// Already arrived or cancelled: nothing more to do.
    case closed(AnnouncementStatus)
    /// The handover time must not lie before the announcement or in the future.
    case handoverOutOfRange(Timestamp)
    /// An arrival time before the announcement or in the future.
    case arrivalOutOfRange(Timestamp)
    /// A hand-over needs a reported arrival.
    case notArrived
    /// The hand-over is already on record.
    case alreadyHandedOver

    public var description: String {
        switch self {
        case let .alreadyExists(id): "Voranmeldung \(id) existiert bereits / announcement exists"
        case .notFound: "Voranmeldung unbekannt / unknown announcement"
        case .unitRequired: "Einsatzmittel (unit) fehlt / unit required"
        case let .etaOutOfRange(t): "Ankunftszeit \(GermanTime.dateTime(t)) unplausibel (−15 min … +12 h) / ETA out of range"
        case let .overrideReasonRequired(keys):
            "Klinik nicht aufnahmebereit (\(keys.map(\.germanLabel).joined(separator: ", "))) – Zuweisung trotz Abmeldung nur mit Begründung (overrideReason) / override reason required"
        case .reasonRequired: "Begründung fehlt oder ist länger als 500 Zeichen / reason required"
        case .alreadyAcknowledged: "Voranmeldung ist bereits bestätigt / already acknowledged"
        case let .closed(s): "Voranmeldung ist bereits abgeschlossen (\(s.rawValue)) / announcement closed"
        case let .handoverOutOfRange(t): "Übergabezeit \(GermanTime.dateTime(t)) unplausibel / handover time out of range"
        case let .arrivalOutOfRange(t): "Ankunftszeit \(GermanTime.dateTime(t)) unplausibel / arrival time out of range"
        case .notArrived: "Patient ist noch nicht angekommen – zuerst die Ankunft melden / not arrived yet"
        case .alreadyHandedOver: "Übergabe ist bereits gemeldet / hand-over already recorded"
        }
    }
}
