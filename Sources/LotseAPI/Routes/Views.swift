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

    init(_ h: HospitalState, at now: Timestamp, ttlMinutes: Double, patientsEnRoute: Int) {
        self.patientsEnRoute = patientsEnRoute
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

/// What a command answers: the log position it committed (for `minPosition`) and what it wrote.
struct CommandResult: Codable, Sendable {
    let position: Int64
    let streamVersion: Int64
    /// Event types written; empty for a no-op or a retry (see `deduplicated`).
    let events: [String]
    let deduplicated: Bool

    init(_ o: CapacityService.Outcome) {
        position = o.position
        streamVersion = o.streamVersion
        events = o.events.map(\.typeName)
        deduplicated = o.deduplicated
    }
}

/// JSON responses with stable key order.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try enc.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

extension Request {
    /// A query parameter parsed by `parse`, or a 400 naming it.
    func query<T>(_ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let raw = uri.queryParameters[Substring(name)] else { return nil }
        guard let v = parse(String(raw)) else { throw Problem.badRequest("Parameter „\(name)“ ungültig: „\(raw)“", field: name) }
        return v
    }

    /// The `Idempotency-Key` header (1–200 visible ASCII characters).
    func idempotencyKey() throws -> String? {
        guard let raw = headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...200).contains(raw.utf8.count), raw.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem.badRequest("Idempotency-Key: 1–200 sichtbare ASCII-Zeichen / invalid idempotency key", field: "Idempotency-Key")
        }
        return raw
    }
}

extension LotseRequestContext {
    func hospitalID() throws -> HospitalID {
        let raw = try parameters.require("id")
        guard let id = HospitalID(raw) else { throw Problem.badRequest("Klinik-ID „\(raw)“ ungültig", field: "id") }
        return id
    }

    func resourceKey() throws -> ResourceKey {
        let raw = try parameters.require("resource")
        guard let k = ResourceKey(rawValue: raw) else {
            throw Problem.notFound("Ressource „\(raw)“ unbekannt; erlaubt: \(ResourceKey.all.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }
}
