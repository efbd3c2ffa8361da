import LotseCapacity
import LotseDomain

/// Where a site is, as a postal address (master data from outside the log: the hospital directory).
public struct PostalAddress: Sendable, Equatable {
    public let street: String
    public let postalCode: String
    public let city: String

    public init(street: String, postalCode: String, city: String) {
        self.street = street
        self.postalCode = postalCode
        self.city = city
    }
}

/// The capacity index as FHIR R4 resources: a `Location` per site, a `HealthcareService` per resource of its profile,
/// a `MeasureReport` of its last bed report. Statuses are evaluated at `now` with the TTL, exactly as the board shows
/// them: a resource whose report is too old is `unknown` here too, never available.
public struct FHIRExport: Sendable {
    public let addresses: [HospitalID: PostalAddress]
    public let ttlMinutes: Double

    public init(addresses: [HospitalID: PostalAddress], ttlMinutes: Double) {
        self.addresses = addresses
        self.ttlMinutes = ttlMinutes
    }

    /// The FHIR id of a site: its hospital id where that is a valid FHIR id (letters, digits, `-`, `.`); otherwise
    /// (an id with `_`) `h-` and the id's 64-bit FNV-1a hash.
    public static func id(of h: HospitalID) -> String {
        h.rawValue.utf8.contains(UInt8(ascii: "_")) ? "h-" + FNV1a.hex(h.rawValue) : h.rawValue
    }

    public func location(_ h: HospitalState, at now: Timestamp) -> FHIR.Location {
        let statuses = h.profile.keys.map { h.condition($0).status(at: now, ttlMinutes: ttlMinutes) }
        let site: (code: String, display: String) =
            if statuses.contains(where: \.takesPatients) { ("open", "aufnahmebereit") }
            else if !statuses.isEmpty, statuses.allSatisfy({ $0.kind == .closed }) { ("closed", "abgemeldet") }
            else { ("unknown", "unbekannt") }
        let latest = (statuses.compactMap(\.reportedAt) + [h.beds?.reportedAt].compactMap { $0 }).max()
        let address = addresses[h.id].map {
            FHIR.Address(line: [$0.street], city: $0.city, district: h.district.rawValue, postalCode: $0.postalCode, country: "DE")
        } ?? FHIR.Address(line: nil, city: nil, district: h.district.rawValue, postalCode: nil, country: "DE")
        return FHIR.Location(
            id: Self.id(of: h.id), meta: latest.map(FHIR.Meta.init),
            extension: [.integer(FHIR.System.notfallstufe, h.notfallstufe), .integer(FHIR.System.kinderNotfallstufe, h.kinderNotfallstufe)],
            identifier: [FHIR.Identifier(system: FHIR.System.hospitalId, value: h.id.rawValue)],
            operationalStatus: FHIR.Coding(system: FHIR.System.siteStatus, code: site.code, display: site.display),
            name: h.name, type: [FHIR.CodeableConcept(FHIR.Coding(system: FHIR.System.roleCode, code: "HOSP", display: "Hospital"))],
            address: address, position: FHIR.Position(longitude: h.position.lon, latitude: h.position.lat))
    }

    public func services(_ h: HospitalState, at now: Timestamp) -> [FHIR.HealthcareService] {
        let site = Self.id(of: h.id)
        return h.profile.keys.map { key in
            let s = h.condition(key).status(at: now, ttlMinutes: ttlMinutes)
            var ext: [FHIR.Extension] = [.code(FHIR.System.statusExtension, s.kind.rawValue)]
            if let r = s.reportedAt { ext.append(.dateTime(FHIR.System.reportedAt, r)) }
            var closure: [FHIR.HealthcareService.NotAvailable]? = nil
            if case let .closed(reason, until, since) = s {
                closure = [.init(description: reason, during: FHIR.Period(start: since, end: until))]
            }
            return FHIR.HealthcareService(
                id: "\(site)-\(key.rawValue)", meta: s.reportedAt.map(FHIR.Meta.init), extension: ext,
                type: [FHIR.CodeableConcept(FHIR.Coding(system: FHIR.System.resource, code: key.rawValue, display: key.germanLabel))],
                location: [FHIR.Reference("Location/\(site)", display: h.name)], name: key.germanLabel,
                notAvailable: closure, availabilityExceptions: Self.germanStatus(s, ttlMinutes: ttlMinutes))
        }
    }

    /// The last bed report as a `MeasureReport`; nil when the site never reported beds (nothing is invented).
    public func bedReport(_ h: HospitalState, at now: Timestamp) -> FHIR.MeasureReport? {
        guard let beds = h.beds else { return nil }
        let site = Self.id(of: h.id)
        func population(_ code: String, _ display: String, _ n: Int) -> FHIR.MeasureReport.Population {
            .init(code: FHIR.CodeableConcept(FHIR.Coding(system: FHIR.System.bedPopulation, code: code, display: display)), count: n)
        }
        let groups = beds.counts.sorted { $0.key < $1.key }.map { category, count in
            FHIR.MeasureReport.Group(
                code: FHIR.CodeableConcept(FHIR.Coding(system: FHIR.System.bedCategory, code: category.rawValue, display: category.germanLabel)),
                population: [population("total", "betreibbar", count.operable), population("occupied", "belegt", count.operable - count.free),
                             population("free", "frei", count.free)])
        }
        return FHIR.MeasureReport(
            id: "\(site)-beds", extension: [.decimal(FHIR.System.dataAgeMinutes, (now.minutes(since: beds.reportedAt) * 10).rounded() / 10)],
            subject: FHIR.Reference("Location/\(site)", display: h.name), date: beds.reportedAt.iso8601,
            period: FHIR.Period(start: beds.reportedAt, end: beds.reportedAt), group: groups)
    }

    /// Every site of the index with its services and bed report, in hospital-id order.
    public func resources(_ index: CapacityIndex, at now: Timestamp) -> [FHIR.Resource] {
        index.hospitals.sorted { $0.id < $1.id }.flatMap { h -> [FHIR.Resource] in
            [.location(location(h, at: now))] + services(h, at: now).map(FHIR.Resource.healthcareService)
                + [bedReport(h, at: now)].compactMap { $0 }.map(FHIR.Resource.measureReport)
        }
    }

    /// Everything of one moment: a `collection` bundle.
    public func collection(_ index: CapacityIndex, at now: Timestamp) -> FHIR.Bundle {
        FHIR.Bundle(id: "lotse-\(index.position)", type: "collection", at: now, resources: resources(index, at: now))
    }

    /// The status in German words, as the board shows it.
    public static func germanStatus(_ s: ResourceStatus, ttlMinutes: Double) -> String {
        switch s {
        case .available: "verfügbar"
        case .limited: "eingeschränkt – nur nach telefonischer Rücksprache"
        case let .closed(reason, until, _): "abgemeldet bis \(GermanTime.dateTime(until)) – Grund: \(reason)"
        case .unknown(nil): "Status unbekannt – keine Meldung"
        case let .unknown(last?):
            "Status unbekannt – letzte Meldung \(GermanTime.dateTime(last)) ist älter als \(Int((ttlMinutes / 60).rounded())) h"
        }
    }
}
