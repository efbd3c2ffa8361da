import Foundation
import Hummingbird
import LotseCapacity
import LotseDomain
import LotseExport
import LotseTime
import LotseTokens

/// The capacity picture as HL7 FHIR R4 (`application/fhir+json`), read-only, for the systems hospitals and the Land
/// already run (enter once, use everywhere): sites as `Location`, their resources as `HealthcareService`, bed reports
/// as `MeasureReport`, everything of a moment as a `collection` bundle. Same authentication and roles as the board;
/// errors stay problem+json like every route of Lotse.
struct FHIRController: APIController {
    let projector: CapacityProjector
    let clock: any LotseClock
    let export: FHIRExport

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func fhir<T: Encodable>(_ value: T) throws -> Response {
        Response(status: .ok, headers: [.contentType: FHIR.mediaType], body: .init(byteBuffer: ByteBuffer(bytes: try Self.encoder.encode(value))))
    }

    /// The site a reference names (`Location/<id>` or the bare id).
    func site(_ reference: String, in index: CapacityIndex) -> HospitalState? {
        let id = reference.hasPrefix("Location/") ? String(reference.dropFirst("Location/".count)) : reference
        return index.hospitals.first { FHIRExport.id(of: $0.id) == id }
    }

    func searchset(_ kind: String, _ resources: [FHIR.Resource], index: CapacityIndex, at now: Timestamp) throws -> Response {
        try fhir(FHIR.Bundle(id: "\(kind)-\(index.position)", type: "searchset", at: now, resources: resources))
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/fhir/metadata", roles: Role.everyone) { _, _ in
                try fhir(FHIR.CapabilityStatement(at: clock.now()))
            },
            APIRoute(.get, "/v1/fhir/Location", roles: Role.everyone) { _, _ in
                let index = projector.snapshot, now = clock.now()
                let sites = index.hospitals.sorted { $0.id < $1.id }.map { FHIR.Resource.location(export.location($0, at: now)) }
                return try searchset("locations", sites, index: index, at: now)
            },
            APIRoute(.get, "/v1/fhir/Location/{id}", roles: Role.everyone) { request, context in
                let id = try context.parameters.require("id")
                let index = projector.snapshot
                guard let h = site(id, in: index) else { throw Problem.notFound("Standort \(id) ist nicht bekannt") }
                return try fhir(export.location(h, at: clock.now()))
            },
            APIRoute(.get, "/v1/fhir/HealthcareService", roles: Role.everyone, query: ["location"]) { request, _ in
                let index = projector.snapshot, now = clock.now()
                var sites = index.hospitals.sorted { $0.id < $1.id }
                if let wanted = request.uri.queryParameters["location"].map(String.init) {
                    sites = site(wanted, in: index).map { [$0] } ?? []
                }
                return try searchset("services", sites.flatMap { export.services($0, at: now).map(FHIR.Resource.healthcareService) },
                                     index: index, at: now)
            },
            APIRoute(.get, "/v1/fhir/MeasureReport", roles: Role.everyone, query: ["subject"]) { request, _ in
                let index = projector.snapshot, now = clock.now()
                var sites = index.hospitals.sorted { $0.id < $1.id }
                if let wanted = request.uri.queryParameters["subject"].map(String.init) {
                    sites = site(wanted, in: index).map { [$0] } ?? []
                }
                return try searchset("beds", sites.compactMap { export.bedReport($0, at: now) }.map(FHIR.Resource.measureReport),
                                     index: index, at: now)
            },
            APIRoute(.get, "/v1/fhir/Bundle", roles: Role.everyone, query: ["asOf"]) { request, _ in
                let asOf = try request.asOf()
                let now = clock.now()
                let index = try await projector.index(asOf: asOf, now: now)
                return try fhir(export.collection(index, at: asOf ?? now))
            },
        ]
    }
}
