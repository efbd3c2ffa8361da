import Hummingbird
import LotseCapacity
import LotseDomain
import LotseMANV
import LotseTime
import LotseTokens

/// Mass-casualty incidents (MANV, issue 18): a Leitstelle opens one, the hospitals within reach answer with their
/// acceptance per Sichtungskategorie, Lotse proposes the distribution plan, the dispatcher confirms or changes it (with
/// a reason), and each transport becomes an announcement. Hospitals see their own part.
struct MANVController: APIController {
    let manv: MANVService
    let projector: CapacityProjector
    let clock: any LotseClock

    struct PatientGroupBody: Decodable {
        let category: String
        let need: [ResourceKey]?
        let count: Int
    }

    struct OpenBody: StrictBody {
        static let allowedKeys: Set<String> = ["district", "label", "lat", "lon", "patients", "reachMinutes", "answerMinutes"]
        let district: DistrictID
        let label: String
        let lat: Double
        let lon: Double
        let patients: [PatientGroupBody]
        let reachMinutes: Double?
        let answerMinutes: Double?
    }

    struct AcceptanceBody: StrictBody {
        static let allowedKeys: Set<String> = ["firstHour", "surge"]
        let firstHour: MANVCounts
        let surge: MANVCounts?
    }

    struct PatientsBody: StrictBody {
        static let allowedKeys: Set<String> = ["patients"]
        let patients: [PatientGroupBody]
    }

    struct ReachBody: StrictBody {
        static let allowedKeys: Set<String> = ["reachMinutes", "answerMinutes"]
        let reachMinutes: Double
        let answerMinutes: Double?
    }

    struct ReasonBody: StrictBody {
        static let allowedKeys: Set<String> = ["reason"]
        let reason: String
    }

    struct AssignmentBody: Decodable {
        let hospitalId: HospitalID
        let category: String
        let need: [ResourceKey]?
        let patients: Int
    }

    struct ChangeBody: StrictBody {
        static let allowedKeys: Set<String> = ["assignments", "reason"]
        let assignments: [AssignmentBody]
        let reason: String
    }

    struct TransportBody: StrictBody {
        static let allowedKeys: Set<String> = ["hospitalId", "category", "need", "pzc", "unit", "flags", "overrideReason"]
        let hospitalId: HospitalID
        let category: String
        let need: [ResourceKey]?
        let pzc: String
        let unit: String
        let flags: [AnnouncementFlag]?
        let overrideReason: String?
    }

    struct Result: Encodable {
        let incidentId: MANVIncidentID
        let position: Int64
        let events: [String]
        let deduplicated: Bool
        let planNumber: Int?
        let announcementId: AnnouncementID?
    }

    struct List: Encodable {
        let logPosition: Int64
        let incidents: [MANVIncidentView]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/manv/incidents", roles: [.dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let b = try await request.decodeStrict(OpenBody.self, context: context)
                guard p.mayLead(manvIn: b.district) else { throw Problem.forbidden("MANV-Lage nur im eigenen Bereich (Scope) / outside your districts") }
                guard let place = GeoPoint(lat: b.lat, lon: b.lon) else { throw Problem.unprocessable("Einsatzort: Koordinaten ungültig", field: "lat") }
                if let r = b.reachMinutes, !(5...240).contains(r) { throw Problem.unprocessable("Reichweite 5–240 min", field: "reachMinutes") }
                let answer = b.answerMinutes ?? 10
                guard (1...120).contains(answer) else { throw Problem.unprocessable("Antwortfrist 1–120 min", field: "answerMinutes") }
                let o = try await refusals {
                    try await manv.open(district: b.district, label: b.label, place: place, patients: try groups(b.patients, field: "patients"),
                                        reachMinutes: b.reachMinutes, answerMinutes: answer, index: projector.snapshot, by: p.principal, at: clock.now(),
                                        idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                }
                guard let id = o.state?.id else { throw Problem(.internalServerError, title: "Interner Fehler", detail: "MANV-Lage ohne Zustand") }
                return try context.json(Result(incidentId: id, position: o.position, events: o.events.map(\.typeName), deduplicated: o.deduplicated,
                                               planNumber: nil, announcementId: nil), status: o.deduplicated ? .ok : .created)
            },
            APIRoute(.get, "/v1/manv/incidents", roles: [.dispatcher, .hospital, .admin], query: ["status", "minPosition"]) { request, context in
                let p = try context.requirePrincipal()
                let status = try request.query("status") { ["open", "closed"].contains($0) ? $0 : nil }
                try await projector.awaitPosition(try request.minPosition())
                let now = clock.now()
                let mine = manv.incidents.filter { p.maySee($0) && (status == nil || ($0.isClosed ? "closed" : "open") == status) }
                let views = projector.withIndex { index in mine.map { MANVIncidentView($0, index: index, now: now, onlyHospitals: own(p, $0)) } }
                return try context.json(List(logPosition: projector.position, incidents: views))
            },
            APIRoute(.get, "/v1/manv/incidents/{id}", roles: [.dispatcher, .hospital, .admin], query: ["minPosition"]) { request, context in
                let p = try context.requirePrincipal()
                try await projector.awaitPosition(try request.minPosition())
                let m = try visible(context)
                let now = clock.now()
                return try context.json(projector.withIndex { MANVIncidentView(m, index: $0, now: now, onlyHospitals: own(p, m)) })
            },
            APIRoute(.put, "/v1/manv/incidents/{id}/acceptance/{hospitalId}", roles: [.hospital, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let m = try visible(context)
                let raw = try context.parameters.require("hospitalId")
                guard let hospital = HospitalID(raw), p.mayChange(hospital: hospital) else {
                    throw Problem.forbidden("Aufnahmebereitschaft nur für die eigene Klinik / not your hospital")
                }
                let b = try await request.decodeStrict(AcceptanceBody.self, context: context)
                guard let state = projector.withIndex({ $0[hospital] }) else { throw Problem.notFound("Klinik \(raw) unbekannt") }
                return try await command(.answer(hospital: hospital, firstHour: b.firstHour, surge: b.surge ?? .zero, limit: MANVService.acceptanceLimit(of: state)),
                                         m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/reach", roles: [.dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let m = try led(context)
                let b = try await request.decodeStrict(ReachBody.self, context: context)
                guard (5...240).contains(b.reachMinutes) else { throw Problem.unprocessable("Reichweite 5–240 min", field: "reachMinutes") }
                let answer = b.answerMinutes ?? 10
                guard (1...120).contains(answer) else { throw Problem.unprocessable("Antwortfrist 1–120 min", field: "answerMinutes") }
                let o = try await refusals {
                    try await manv.extendReach(m.id, reachMinutes: b.reachMinutes, answerMinutes: answer, index: projector.snapshot, by: p.principal,
                                               at: clock.now(), idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                }
                return try context.json(Result(incidentId: m.id, position: o.position, events: o.events.map(\.typeName), deduplicated: o.deduplicated,
                                               planNumber: nil, announcementId: nil), status: o.events.isEmpty || o.deduplicated ? .ok : .created)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/reminders", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                return try await command(.remind, m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/patients", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let b = try await request.decodeStrict(PatientsBody.self, context: context)
                return try await command(.reportPatients(try groups(b.patients, field: "patients")), m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/surge", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let b = try await request.decodeStrict(ReasonBody.self, context: context)
                return try await command(.declareSurge(reason: b.reason), m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/plans", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let resources = projector.withIndex { manv.resources(of: m, index: $0, at: clock.now()) }
                return try await command(.plan(resources: resources), m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/plans/{number}/confirmation", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let raw = try context.parameters.require("number")
                guard let number = Int(raw), number > 0 else { throw Problem.badRequest("Plannummer ungültig", field: "number") }
                return try await command(.confirm(number: number), m, request, context)
            },
            APIRoute(.put, "/v1/manv/incidents/{id}/plan", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let b = try await request.decodeStrict(ChangeBody.self, context: context)
                let lines = try b.assignments.enumerated().map { i, a in
                    MANVAssignmentRequest(hospitalId: a.hospitalId, category: try category(a.category, field: "assignments[\(i)].category"),
                                          need: ResourceSet(a.need ?? []), patients: a.patients)
                }
                let resources = projector.withIndex { manv.resources(of: m, index: $0, at: clock.now()) }
                return try await command(.change(assignments: lines, reason: b.reason, resources: resources), m, request, context)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/transports", roles: [.dispatcher, .crew, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let m = try incident(context)
                // A dispatcher of another district learns nothing of the incident (404, as on the reads). Crews of any
                // district may transport (überörtliche Hilfe): their own unit is checked below.
                if p.role == .dispatcher, !p.mayLead(manvIn: m.district) { throw Problem.notFound("MANV-Lage unbekannt / unknown incident") }
                let b = try await request.decodeStrict(TransportBody.self, context: context)
                guard p.mayAnnounce(district: m.district, unit: b.unit) else {
                    throw Problem.forbidden("Transport nur aus dem eigenen Bereich / der eigenen Einheit (Scope) / outside your scope")
                }
                let pzc: PZC
                do { pzc = try PZC(parsing: b.pzc) } catch { throw Problem.unprocessable("\(error)", field: "pzc") }
                let o = try await refusals {
                    try await manv.transport(m.id, hospital: b.hospitalId, category: try category(b.category, field: "category"), need: ResourceSet(b.need ?? []),
                                             pzc: pzc, flags: b.flags ?? [], unit: b.unit, overrideReason: b.overrideReason, index: projector.snapshot,
                                             by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                }
                return try context.json(Result(incidentId: m.id, position: o.transport.position, events: o.transport.events.map(\.typeName),
                                               deduplicated: o.transport.deduplicated, planNumber: o.transport.state?.plan?.number,
                                               announcementId: o.announcement.announcementId), status: o.transport.deduplicated ? .ok : .created)
            },
            APIRoute(.post, "/v1/manv/incidents/{id}/closure", roles: [.dispatcher, .admin]) { request, context in
                let m = try led(context)
                let b = try await request.decodeStrict(ReasonBody.self, context: context)
                return try await command(.close(reason: b.reason), m, request, context)
            },
        ]
    }

    // MARK: Helpers

    /// The incident of the path, whoever asks (scope checked by the caller).
    func incident(_ context: LotseRequestContext) throws -> MANVIncident {
        let raw = try context.parameters.require("id")
        guard let id = MANVIncidentID(raw), let m = manv.incident(id) else { throw Problem.notFound("MANV-Lage \(raw) unbekannt / unknown incident") }
        return m
    }

    /// The incident, if the caller may see it (404 otherwise: its existence is not told).
    func visible(_ context: LotseRequestContext) throws -> MANVIncident {
        let m = try incident(context)
        guard try context.requirePrincipal().maySee(m) else { throw Problem.notFound("MANV-Lage unbekannt / unknown incident") }
        return m
    }

    /// The incident, if the caller leads it.
    func led(_ context: LotseRequestContext) throws -> MANVIncident {
        let m = try visible(context)
        guard try context.requirePrincipal().mayLead(manvIn: m.district) else { throw Problem.forbidden("Nur die Leitstelle der Lage / not your incident") }
        return m
    }

    /// A hospital caller's own hospitals among those asked (nil for the others: they see everything).
    func own(_ p: AuthenticatedPrincipal, _ m: MANVIncident) -> Set<HospitalID>? {
        p.role == .hospital ? Set(m.asked.map(\.hospitalId).filter { p.covers($0.rawValue) }) : nil
    }

    /// Runs a command; answers 201 when a POST wrote something, 200 for a PUT, a no-op or a retry.
    func command(_ c: MANVCommand, _ m: MANVIncident, _ request: Request, _ context: LotseRequestContext) async throws -> Response {
        let status: HTTPResponse.Status = request.method == .post ? .created : .ok
        let p = try context.requirePrincipal()
        let o = try await refusals {
            try await manv.execute(c, id: m.id, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
        }
        let plan: Int? = if case .plan(let e)? = o.events.first { e.number } else { nil }
        return try context.json(Result(incidentId: m.id, position: o.position, events: o.events.map(\.typeName), deduplicated: o.deduplicated,
                                       planNumber: plan, announcementId: nil), status: o.events.isEmpty || o.deduplicated ? .ok : status)
    }

    /// The incident's refusals as problem+json naming the field.
    func refusals<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let MANVService.Failure.refused(e) {
            let problem: Problem = switch e {
            case .notFound: .notFound(e.description)
            case .alreadyExists, .closed, .nothingToRemind, .reachNotWider, .noPlan, .planOutdated, .planNotConfirmed, .notInPlan, .transportUnknown, .noPlaceLeft:
                Problem(.conflict, title: "Konflikt", detail: e.description, field: e.field)
            default: .unprocessable(e.description, field: e.field)
            }
            throw problem
        } catch let MANVService.Failure.announcement(e) {
            throw Problem.from(e)
        } catch let e as MANVService.Failure {
            throw Problem.conflict(e.description)
        }
    }

    func category(_ raw: String, field: String) throws -> Sichtungskategorie {
        guard let c = Sichtungskategorie.allCases.first(where: { $0.fieldName == raw }) else {
            throw Problem.unprocessable("Sichtungskategorie „\(raw)“ unbekannt (red, yellow, green)", field: field)
        }
        return c
    }

    func groups(_ body: [PatientGroupBody], field: String) throws -> [MANVPatientGroup] {
        try body.enumerated().map { i, g in
            MANVPatientGroup(category: try category(g.category, field: "\(field)[\(i)].category"), need: ResourceSet(g.need ?? []), count: g.count)
        }
    }
}
