import Foundation
import HTTPTypes
import Hummingbird
import LotseApplication
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

extension HospitalView: DirectJSON {
    /// The document `JSONEncoder` writes (keys sorted, nil fields left out), without it: `JSONEncoder` held the single
    /// hospital's read to ≈ 7 k req/s and the board (every site) to a few hundred (issue 16; a test compares).
    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("beds"); Self.write(beds, &w)
        if let t = bedsReportedAt { w.key("bedsReportedAt"); w.timestamp(t) }
        if let a = dataAgeMinutes { w.key("dataAgeMinutes"); w.double(a) }
        w.key("district"); w.string(district)
        w.key("hospitalId"); w.string(hospitalId.rawValue)
        w.key("kinderNotfallstufe"); w.int(kinderNotfallstufe)
        w.key("lat"); w.double(lat)
        w.key("lon"); w.double(lon)
        w.key("name"); w.string(name)
        w.key("notfallstufe"); w.int(notfallstufe)
        w.key("patientsEnRoute"); w.int(patientsEnRoute)
        w.key("resources"); DispatchAnswer.write(resources, &w)
        w.key("statusTTLMinutes"); w.double(statusTTLMinutes)
        w.endObject()
    }

    /// Bed counts by category name, each with its fields in the order of their names.
    static func write(_ beds: [BedCategory: BedCount], _ w: inout JSONWriter) {
        w.beginObject()
        for category in DispatchAnswer.bedCategoriesByName {
            guard let b = beds[category] else { continue }
            w.key(category.jsonKey)
            w.beginObject()
            if let n = b.additional24h { w.key("additional24h"); w.int(n) }
            if let n = b.additional72h { w.key("additional72h"); w.int(n) }
            w.key("free"); w.int(b.free)
            w.key("operable"); w.int(b.operable)
            w.endObject()
        }
        w.endObject()
    }

    /// A list of views as a JSON array.
    static func write(_ views: [HospitalView], _ w: inout JSONWriter) {
        w.beginArray()
        for v in views { w.element(); v.write(&w) }
        w.endArray()
    }
}
