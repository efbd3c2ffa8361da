import Foundation
import HTTPTypes
import Hummingbird
import LotseCapacity
import LotseDispatch
import LotseDomain

/// A hospital as the API shows it: master data and current capacity.
struct HospitalView: Codable, Sendable {
    let hospitalId: HospitalID
    let name: String
    let district: String
    let notfallstufe: Int
    let kinderNotfallstufe: Int
    let lat: Double
    let lon: Double
    /// Every resource of the profile with its status at the time of the answer.
    let resources: [DispatchAnswer.ResourceState]
    let beds: [BedCategory: BedCount]
    let bedsReportedAt: Timestamp?
    /// Minutes since the oldest report behind this view (resources and beds); nil when nothing was reported.
    let dataAgeMinutes: Double?
    /// Announced patients on their way (announced or acknowledged, not yet arrived).
    let patientsEnRoute: Int
    /// How long a status report holds before it shows as unknown (the hospital page warns before).
    let statusTTLMinutes: Double

    init(_ h: HospitalState, at now: Timestamp, ttlMinutes: Double, patientsEnRoute: Int) {
        self.patientsEnRoute = patientsEnRoute
        statusTTLMinutes = ttlMinutes
        hospitalId = h.id
        name = h.name
        district = h.district.rawValue
        notfallstufe = h.notfallstufe
        kinderNotfallstufe = h.kinderNotfallstufe
        lat = h.position.lat
        lon = h.position.lon
        resources = h.profile.keys.map { DispatchAnswer.ResourceState(h.condition($0), $0, at: now, ttlMinutes: ttlMinutes) }
        beds = h.beds?.counts ?? [:]
        bedsReportedAt = h.beds?.reportedAt
        let times = resources.compactMap(\.reportedAt) + [bedsReportedAt].compactMap { $0 }
        dataAgeMinutes = times.min().map { (now.minutes(since: $0) * 10).rounded() / 10 }
    }
}
