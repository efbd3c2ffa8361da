/// A fact about a hospital site (past tense). Applying one never fails.
public enum HospitalEvent: Sendable, Hashable {
    case registered(HospitalRegistered)
    case profileChanged(HospitalProfileChanged)
    case statusReported(ResourceStatusReported)
    case closed(ResourceClosed)
    case reopened(ResourceReopened)
    case closureExpired(ResourceClosureExpired)
    case bedsReported(BedCountsReported)

    public var hospitalId: HospitalID {
        switch self {
        case let .registered(e): e.hospitalId
        case let .profileChanged(e): e.hospitalId
        case let .statusReported(e): e.hospitalId
        case let .closed(e): e.hospitalId
        case let .reopened(e): e.hospitalId
        case let .closureExpired(e): e.hospitalId
        case let .bedsReported(e): e.hospitalId
        }
    }

    public var occurredAt: Timestamp {
        switch self {
        case let .registered(e): e.occurredAt
        case let .profileChanged(e): e.occurredAt
        case let .statusReported(e): e.occurredAt
        case let .closed(e): e.occurredAt
        case let .reopened(e): e.occurredAt
        case let .closureExpired(e): e.occurredAt
        case let .bedsReported(e): e.occurredAt
        }
    }

    /// The payload's type: its stored name (stable; never rename) and the schema version written.
    public var payloadType: any EventPayload.Type {
        switch self {
        case .registered: HospitalRegistered.self
        case .profileChanged: HospitalProfileChanged.self
        case .statusReported: ResourceStatusReported.self
        case .closed: ResourceClosed.self
        case .reopened: ResourceReopened.self
        case .closureExpired: ResourceClosureExpired.self
        case .bedsReported: BedCountsReported.self
        }
    }

    public var typeName: String { payloadType.eventType }
    public var schemaVersion: Int { payloadType.schemaVersion }

    /// Every hospital event type, once.
    public static let payloadTypes: [any EventPayload.Type] = [
        HospitalRegistered.self, HospitalProfileChanged.self, ResourceStatusReported.self, ResourceClosed.self, ResourceReopened.self,
        ResourceClosureExpired.self, BedCountsReported.self,
    ]
}

/// A site was registered with its static data. v2 (v1 had `lat`/`lon` at the top level and no district).
public struct HospitalRegistered: EventPayload {
    public static let eventType = "HospitalRegistered"
    public static let schemaVersion = 2
    public let hospitalId: HospitalID
    public let name: String
    public let position: GeoPoint
    public let district: DistrictID
    public let notfallstufe: Int
    public let kinderNotfallstufe: Int
    public let profile: ResourceSet
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, name: String, position: GeoPoint, district: DistrictID,
                notfallstufe: Int, kinderNotfallstufe: Int, profile: ResourceSet, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.name = name
        self.position = position
        self.district = district
        self.notfallstufe = notfallstufe
        self.kinderNotfallstufe = kinderNotfallstufe
        self.profile = profile
        self.occurredAt = occurredAt
    }
}

/// The static profile or Notfallstufe of a site changed. Conditions of removed keys are kept but no longer count.
public struct HospitalProfileChanged: EventPayload {
    public static let eventType = "HospitalProfileChanged"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let profile: ResourceSet
    public let notfallstufe: Int
    public let kinderNotfallstufe: Int
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, profile: ResourceSet, notfallstufe: Int, kinderNotfallstufe: Int, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.profile = profile
        self.notfallstufe = notfallstufe
        self.kinderNotfallstufe = kinderNotfallstufe
        self.occurredAt = occurredAt
    }
}

/// A resource was reported available or limited.
public struct ResourceStatusReported: EventPayload {
    public static let eventType = "ResourceStatusReported"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let resource: ResourceKey
    public let status: ReportedStatus
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, resource: ResourceKey, status: ReportedStatus, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.resource = resource
        self.status = status
        self.occurredAt = occurredAt
    }
}

/// A resource was closed (Abmeldung) with a reason until a time.
public struct ResourceClosed: EventPayload {
    public static let eventType = "ResourceClosed"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let resource: ResourceKey
    public let reason: String
    public let until: Timestamp
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, resource: ResourceKey, reason: String, until: Timestamp, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.resource = resource
        self.reason = reason
        self.until = until
        self.occurredAt = occurredAt
    }
}

/// A closure was ended early by the hospital; the resource is available again.
public struct ResourceReopened: EventPayload {
    public static let eventType = "ResourceReopened"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let resource: ResourceKey
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, resource: ResourceKey, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.resource = resource
        self.occurredAt = occurredAt
    }
}

/// A closure reached its `until`; the resource is available again as of `until`.
public struct ResourceClosureExpired: EventPayload {
    public static let eventType = "ResourceClosureExpired"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let resource: ResourceKey
    public let until: Timestamp
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, resource: ResourceKey, until: Timestamp, occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.resource = resource
        self.until = until
        self.occurredAt = occurredAt
    }
}

/// Free and operable beds were reported (the whole picture of the listed categories).
public struct BedCountsReported: EventPayload {
    public static let eventType = "BedCountsReported"
    public static let schemaVersion = 1
    public let hospitalId: HospitalID
    public let beds: [BedCategory: BedCount]
    public let occurredAt: Timestamp

    public init(hospitalId: HospitalID, beds: [BedCategory: BedCount], occurredAt: Timestamp) {
        self.hospitalId = hospitalId
        self.beds = beds
        self.occurredAt = occurredAt
    }
}
