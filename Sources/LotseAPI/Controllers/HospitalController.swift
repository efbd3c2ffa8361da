import Foundation
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseTime
import LotseTokens

/// Hospitals: read master data and capacity (everyone); change capacity (the hospital itself, admins).
struct HospitalController: APIController {
    let projector: CapacityProjector
    let capacity: CapacityService
    let clock: any LotseClock
    /// How long a status report stays valid (then `unknown`).
    let ttlMinutes: Double

    struct StatusBody: FlatJSONBody {
        static let allowedKeys: Set<String> = ["status"]
        let status: ReportedStatus

        init?(flatFields f: [String: String]) {
            guard let status = f["status"].flatMap(ReportedStatus.init(rawValue:)) else { return nil }
            self.status = status
        }
    }

    struct ClosureBody: FlatJSONBody {
        static let allowedKeys: Set<String> = ["reason", "until"]
        let reason: String
        let until: Timestamp

        init?(flatFields f: [String: String]) {
            guard let reason = f["reason"], let until = f["until"].flatMap(Timestamp.init(iso8601:)) else { return nil }
            (self.reason, self.until) = (reason, until)
        }
    }

    struct BedsBody: StrictBody {
        static let allowedKeys: Set<String> = ["beds"]
        let beds: [BedCategory: BedCount]
    }

    struct BatchBedsBody: StrictBody {
        static let allowedKeys: Set<String> = ["reports"]
        struct Item: Decodable {
            let hospitalId: HospitalID
            let beds: [BedCategory: BedCount]
        }
        let reports: [Item]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/hospitals", roles: Role.everyone, query: ["district"]) { request, context in
                let district = try request.query("district") { $0.isEmpty ? nil : DistrictID($0) }
                let now = clock.now()
                let ttl = ttlMinutes
                let (position, views) = projector.withIndex { index in
                    (index.position, index.hospitals.enumerated().filter { district == nil || $0.element.district == district }
                        .sorted { $0.element.id < $1.element.id }
                        .map { HospitalView($0.element, at: now, ttlMinutes: ttl, patientsEnRoute: index.patientsEnRoute(slot: $0.offset)) })
                }
                return context.json(HospitalList(logPosition: position, evaluatedAt: now, hospitals: views))
            },
            APIRoute(.get, "/v1/hospitals/{id}", roles: Role.everyone) { _, context in
                let id = try context.hospitalID()
                let now = clock.now()
                let ttl = ttlMinutes
                let view = projector.withIndex { index in
                    index.slot(of: id).map { HospitalView(index.hospitals[$0], at: now, ttlMinutes: ttl, patientsEnRoute: index.patientsEnRoute(slot: $0)) }
                }
                guard let view else { throw Problem.notFound("Klinik \(id) unbekannt / unknown hospital") }
                return context.json(view)
            },
            APIRoute(.put, "/v1/hospitals/{id}/resources/{resource}/status", roles: [.hospital, .admin]) { request, context in
                let ((p, id), key) = try (authorised(context), context.resourceKey())
                let body = try await request.decodeStrict(StatusBody.self, context: context)
                return try await command(.reportStatus(key, body.status), id, p, request, context)
            },
            APIRoute(.put, "/v1/hospitals/{id}/resources/{resource}/closure", roles: [.hospital, .admin]) { request, context in
                let ((p, id), key) = try (authorised(context), context.resourceKey())
                let body = try await request.decodeStrict(ClosureBody.self, context: context)
                return try await command(.close(key, reason: body.reason, until: body.until), id, p, request, context)
            },
            APIRoute(.delete, "/v1/hospitals/{id}/resources/{resource}/closure", roles: [.hospital, .admin]) { request, context in
                let ((p, id), key) = try (authorised(context), context.resourceKey())
                return try await command(.reopen(key), id, p, request, context)
            },
            APIRoute(.put, "/v1/hospitals/{id}/beds", roles: [.hospital, .admin]) { request, context in
                let (p, id) = try authorised(context)
                let body = try await request.decodeStrict(BedsBody.self, context: context)
                return try await command(.reportBeds(body.beds), id, p, request, context)
            },
            APIRoute(.post, "/v1/hospitals/{id}/status-confirmation", roles: [.hospital, .admin]) { request, context in
                // "Alles unverändert bestätigen": every reported status again, in one command (one click per shift).
                let (p, id) = try authorised(context)
                return try await command(.confirmAll(maxAgeMinutes: ttlMinutes), id, p, request, context)
            },
            APIRoute(.post, "/v1/beds", roles: [.hospital, .admin]) { request, context in
                try await batchBeds(request, context)
            },
        ]
    }

    struct HospitalList: Codable, DirectJSON {
        let logPosition: Int64
        let evaluatedAt: Timestamp
        let hospitals: [HospitalView]

        func write(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("evaluatedAt"); w.timestamp(evaluatedAt)
            w.key("hospitals"); HospitalView.write(hospitals, &w)
            w.key("logPosition"); w.int(Int(logPosition))
            w.endObject()
        }
    }

    /// The caller, if allowed to change the hospital of the path: checked before the path's resource and the body are
    /// validated (a hospital learns nothing about another hospital's data or its validation rules).
    func authorised(_ context: LotseRequestContext) throws -> (AuthenticatedPrincipal, HospitalID) {
        let p = try context.requirePrincipal()
        let id = HospitalID(try context.parameters.require("id"))
        guard let id, p.mayChange(hospital: id) else {
            if id == nil, p.role == .admin { _ = try context.hospitalID() }  // an admin learns why the id is invalid
            throw Problem.forbidden("Nur die Klinik selbst darf ihre Daten ändern (Token-Scope: \(p.scope.sorted().joined(separator: ","))) / not your hospital")
        }
        return (p, id)
    }

    /// Runs one hospital command for a caller allowed to change the hospital.
    func command(_ c: HospitalCommand, _ id: HospitalID, _ p: AuthenticatedPrincipal, _ request: Request, _ context: LotseRequestContext) async throws -> Response {
        precondition(p.mayChange(hospital: id))
        let outcome = try await capacity.execute(
            c, hospital: id, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(),
            correlationId: context.id)
        return context.json(CommandResult(outcome))
    }

    /// Bed counts of several hospitals: the caller must be allowed to change every one; the service checks every
    /// item before it writes any.
    func batchBeds(_ request: Request, _ context: LotseRequestContext) async throws -> Response {
        let p = try context.requirePrincipal()
        let body = try await request.decodeStrict(BatchBedsBody.self, context: context)
        guard !body.reports.isEmpty, body.reports.count <= 500 else {
            throw Problem.unprocessable("1–500 Meldungen je Stapel / 1–500 reports per batch", field: "reports")
        }
        for item in body.reports where !p.mayChange(hospital: item.hospitalId) {
            throw Problem.forbidden("Klinik \(item.hospitalId) liegt nicht im Token-Scope / not your hospital")
        }
        do {
            let outcomes = try await capacity.reportBeds(
                body.reports.map { ($0.hospitalId, $0.beds) }, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(),
                correlationId: context.id)
            let results = outcomes.map(CommandResult.init)
            return try context.json(BatchResult(position: results.map(\.position).max() ?? 0, results: results))
        } catch let CapacityService.BatchRefusal.duplicate(i, id) {
            throw Problem.unprocessable("Klinik \(id) doppelt im Stapel", field: "reports.\(i).hospitalId")
        } catch let CapacityService.BatchRefusal.refused(i, error) {
            let problem = Problem.from(error)
            throw Problem(problem.status, title: problem.title, detail: "Meldung \(i): \(problem.detail)",
                          field: "reports.\(i)" + (problem.field.map { ".\($0)" } ?? ""))
        }
    }

    struct BatchResult: Codable {
        let position: Int64
        let results: [CommandResult]
    }
}
