import Foundation
import Hummingbird
import LotseApplication
import LotseDomain
import LotseEventStore
import LotseTelenotarzt
import LotseTime
import LotseTokens

/// Telenotarzt over HTTP: crews (and dispatchers) request and cancel; physicians sign on/off/pause, accept or
/// decline offers, connect, end with a disposition, escalate to a physical Notarzt; centres and the Leitstelle read
/// the queue. A physician acts as the token's subject; the token's scope names the centre.
struct ConsultationController: APIController {
    let telenotarzt: TNAService
    let audit: ConsultationAuditService
    let vault: any PersonalDataVault
    let reads: ReadAudit
    let clock: any LotseClock

    struct RequestBody: StrictBody {
        static let allowedKeys: Set<String> = ["kind", "priority", "district", "lat", "lon", "pzc", "unit", "note"]
        let kind: ConsultationKind
        let priority: Int
        let district: DistrictID
        let lat: Double?
        let lon: Double?
        let pzc: String?
        let unit: String
        /// Short free text of the crew (≤ 200 characters).
        let note: String?
    }

    /// A consultation as its crew follows it: where it stands in the queue, how long it has waited, and who took it.
    struct UnitConsultation: Codable {
        let consultation: ConsultationState
        /// 1-based place among all waiting requests (nil unless waiting) and how many wait.
        let queuePosition: Int?
        let queueLength: Int
        let waitingSeconds: Int
        let physician: PhysicianContact?
    }

    /// Who took a consultation, and the number the crew calls back on (from the centre's configuration).
    struct PhysicianContact: Codable {
        let id: String
        let centre: String
        let centreName: String
        let phone: String?
    }

    struct SignOnBody: StrictBody {
        static let allowedKeys: Set<String> = ["maxParallel", "centre"]
        let maxParallel: Int?
        /// Needed when an admin signs a physician on; a physician's centre is the token's scope.
        let centre: String?
    }

    struct EndBody: StrictBody {
        static let allowedKeys: Set<String> = ["disposition", "destination"]
        let disposition: Disposition
        /// The hospital (STOID) the patient is taken to; required with `transported-to-hospital`.
        let destination: HospitalID?
    }

    struct CancelBody: StrictBody {
        static let allowedKeys: Set<String> = ["reason"]
        let reason: String
    }

    struct Result: Codable {
        let consultationId: String?
        let events: [String]
    }

    /// One read on record: who, when, by which route, why, which cases.
    struct AuditEntry: Codable {
        let at: Timestamp
        let principal: String
        let route: String
        let reason: String
        let cases: [String]
    }

    struct AuditList: Codable {
        let `case`: String?
        let entries: [AuditEntry]
        /// The cursor of the next page (`after=`), absent on the last.
        let next: String?
    }

    /// Where a page of "who saw this case" ends: the stream versions of both audit trails read so far (`12.40`).
    struct AuditCursor: CustomStringConvertible {
        static let maxLimit = 5000
        var details: Int64
        var lists: Int64

        init(details: Int64, lists: Int64) {
            self.details = details
            self.lists = lists
        }

        init?(parsing raw: String) {
            let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let d = Int64(parts[0]), let l = Int64(parts[1]), d >= 0, l >= 0 else { return nil }
            self.init(details: d, lists: l)
        }

        var description: String { "\(details).\(lists)" }
    }

    struct UnitList: Codable {
        let unit: String
        let consultations: [UnitConsultation]
    }

    struct Live: Codable {
        let queue: [ConsultationState]
        let open: [ConsultationState]
        let physicians: [PhysicianState]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/consultations", roles: [.crew, .dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let b = try await request.decodeStrict(RequestBody.self, context: context)
                guard p.mayAnnounce(district: b.district, unit: b.unit) else { throw Problem.forbidden("Nicht im eigenen Bereich / der eigenen Einheit") }
                var position: GeoPoint? = nil
                if b.lat != nil || b.lon != nil {
                    guard let lat = b.lat, let lon = b.lon, let g = GeoPoint(lat: lat, lon: lon) else {
                        throw Problem.unprocessable("Position ungültig (lat −90…90, lon −180…180)", field: b.lat == nil ? "lat" : "lon")
                    }
                    position = g
                }
                var text: String? = nil
                if let raw = b.note?.trimmedWhitespace, !raw.isEmpty {
                    guard raw.count <= 200 else { throw Problem.unprocessable("Freitext höchstens 200 Zeichen / note too long", field: "note") }
                    text = raw
                }
                let key = try request.idempotencyKey()
                let id = ConsultationID("C-" + (key.map { FNV1a.hex("\(p.principal)|\($0)") } ?? UUID().lowercasedString))
                // The free text is personal data: only sealed under the case's key does it reach the log.
                var note: PersonalNote? = nil
                if let text { note = .sealed(try await vault.seal(text, case: id.rawValue, at: clock.now())) }
                let r = ConsultationRequest(id: id, kind: b.kind, priority: b.priority, district: b.district, position: position, pzc: b.pzc, unit: b.unit, note: note)
                let events = try await run(.request(r), p, key)
                return try context.json(Result(consultationId: id.rawValue, events: events.map(\.caseName)), status: .created)
            },
            APIRoute(.get, "/v1/consultations", roles: [.physician, .dispatcher, .admin]) { _, context in
                let p = try context.requirePrincipal()
                let s = await telenotarzt.state
                let now = clock.now()
                let visible = { (c: ConsultationState) in p.maySee(c.request, in: s.network) }
                // Lists carry no free text (it is read on the audited detail route); the read of the cases is on record.
                let live = Live(
                    queue: s.queue(at: now).filter(visible).map(\.withoutNote),
                    open: s.open.values.filter(visible).sorted { $0.request.id < $1.request.id }.map(\.withoutNote),
                    physicians: s.physicians.values.filter { p.maySee(physicianOf: $0.centre, in: s.network) }.sorted { $0.id < $1.id })
                try await reads.record(p, route: "/v1/consultations", cases: (live.queue + live.open).map(\.request.id.rawValue))
                return try context.json(live)
            },
            APIRoute(.get, "/v1/units/{unit}/consultations", roles: [.crew, .dispatcher, .admin]) { _, context in
                // A unit's own requests of the last 12 h with their live state (the crew page). Crews see their unit only.
                let p = try context.requirePrincipal()
                let unit = try context.parameters.require("unit")
                guard p.role != .crew || p.covers(unit) else { throw Problem.forbidden("Nur die eigene Einheit / only your own unit") }
                let s = await telenotarzt.state
                let now = clock.now()
                let queue = s.queue(at: now)
                let since = now.adding(seconds: -12 * 3600)
                let mine = s.consultations.values
                    .filter { $0.request.unit == unit && p.maySee($0.request, in: s.network) && ($0.status.isOpen || $0.requestedAt >= since) }
                    .sorted { ($0.requestedAt, $0.request.id) > ($1.requestedAt, $1.request.id) }
                var views: [UnitConsultation] = []
                for c in mine {
                    // The queue the request waits in: the requests of districts its centre(s) serve.
                    let centres = s.network.primaryCentres(for: c.request.district)
                    let own = queue.filter { !s.network.primaryCentres(for: $0.request.district).isDisjoint(with: centres) }
                    // The crew's free text goes back to its own crew only; others read it on the audited detail route.
                    let shown = p.role == .crew ? c.with(note: await vault.display(c.request.note)) : c.withoutNote
                    views.append(UnitConsultation(
                        consultation: shown, queuePosition: own.firstIndex { $0.request.id == c.request.id }.map { $0 + 1 }, queueLength: own.count,
                        waitingSeconds: Int(((c.acceptedAt ?? now).minutes(since: c.requestedAt) * 60).rounded()),
                        physician: c.physician.flatMap { doc in
                            s.physicians[doc].map { ph in
                                let centre = s.network.centres.first { $0.id == ph.centre }
                                return PhysicianContact(id: doc.rawValue, centre: ph.centre.rawValue, centreName: centre?.name ?? ph.centre.rawValue,
                                                        phone: centre?.phone)
                            }
                        }))
                }
                try await reads.record(p, route: "/v1/units/{unit}/consultations", cases: views.map(\.consultation.request.id.rawValue))
                return try context.json(UnitList(unit: unit, consultations: views))
            },
            APIRoute(.get, "/v1/consultations/{id}", roles: [.physician, .dispatcher, .crew, .admin], query: ["reason"]) { request, context in
                // Details are patient data: every read is recorded (who, when, why) and only then answered.
                let p = try context.requirePrincipal()
                let c = try await consultation(context, p)
                guard let why = request.uri.queryParameters["reason"].map(String.init)?.trimmedWhitespace, !why.isEmpty, why.count <= 200 else {
                    throw Problem.badRequest("Grund des Zugriffs fehlt (?reason=…, höchstens 200 Zeichen) / reason required", field: "reason")
                }
                try await audit.recordRead(of: c.request.id, reason: why, by: p.principal, at: clock.now())
                return try context.json(c.with(note: await vault.display(c.request.note)))
            },
            APIRoute(.get, "/v1/audit", roles: [.admin], query: ["case", "consultationId", "limit", "after"]) { request, context in
                // "Who saw this case": the detail reads (with their reason) and every list and stream that returned it,
                // in log order, a page at a time (a year of reads is never read at once).
                let q = QueryValues(request)
                let filter = (q["case"] ?? q["consultationId"]).map(String.init)
                let limit = try q.value("limit") { Int($0) } ?? 500
                guard (1...AuditCursor.maxLimit).contains(limit) else {
                    throw Problem.unprocessable("„limit“ muss 1–\(AuditCursor.maxLimit) sein", field: "limit")
                }
                let cursor = try q.value("after") { AuditCursor(parsing: $0) } ?? AuditCursor(details: 0, lists: 0)
                let details = try await audit.page(after: cursor.details, limit: limit)
                let lists = try await reads.service.page(after: cursor.lists, limit: limit)
                // Both trails are in log order; entries are given up to where both pages are known complete.
                let bound = min(details.count == limit ? details[limit - 1].record.position : .max,
                                lists.count == limit ? lists[limit - 1].record.position : .max)
                var next = cursor
                var entries: [(position: Int64, entry: AuditEntry)] = []
                for (r, e) in details where r.position <= bound {
                    next.details = r.streamVersion
                    guard let e, filter == nil || e.consultationId == filter else { continue }
                    entries.append((r.position, AuditEntry(at: e.at, principal: e.principal, route: "/v1/consultations/{id}", reason: e.reason,
                                                           cases: [e.consultationId])))
                }
                for (r, e) in lists where r.position <= bound {
                    next.lists = r.streamVersion
                    guard let e, filter.map({ e.cases.contains($0) }) ?? true else { continue }
                    entries.append((r.position, AuditEntry(at: e.at, principal: e.principal, route: e.route, reason: e.reason, cases: e.cases)))
                }
                let more = details.count == limit || lists.count == limit
                return try context.json(AuditList(case: filter, entries: entries.sorted { $0.position < $1.position }.map(\.entry),
                                                  next: more ? next.description : nil))
            },
            APIRoute(.post, "/v1/consultations/{id}/cancellation", roles: [.crew, .dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let c = try await consultation(context, p)
                guard p.mayAnnounce(district: c.request.district, unit: c.request.unit) else { throw Problem.forbidden("Nicht im eigenen Bereich") }
                let b = try await request.decodeStrict(CancelBody.self, context: context)
                return try context.json(Result(consultationId: c.request.id.rawValue, events: try await run(.cancel(c.request.id, reason: b.reason), p, request).map(\.caseName)))
            },
            APIRoute(.post, "/v1/consultations/{id}/escalation", roles: [.physician, .crew, .dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let c = try await consultation(context, p)
                return try context.json(Result(consultationId: c.request.id.rawValue, events: try await run(.escalate(c.request.id), p, request).map(\.caseName)))
            },
            physicianStep("acceptance") { id, doc, _ in .accept(id, by: doc) },
            physicianStep("decline") { id, doc, _ in .decline(id, by: doc) },
            physicianStep("connection") { id, doc, _ in .connect(id, by: doc) },
            APIRoute(.post, "/v1/consultations/{id}/end", roles: [.physician, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let c = try await consultation(context, p)
                let b = try await request.decodeStrict(EndBody.self, context: context)
                let doc = p.role == .admin ? (c.physician ?? PhysicianID(p.subject)) : PhysicianID(p.subject)
                return try context.json(Result(consultationId: c.request.id.rawValue, events: try await run(.end(c.request.id, by: doc, disposition: b.disposition, destination: b.destination), p, request).map(\.caseName)))
            },
            physicianSelf("sign-on") { doc, centre, body in .signOn(doc, centre: centre, maxParallel: body?.maxParallel ?? 1) },
            physicianSelf("sign-off") { doc, _, _ in .signOff(doc) },
            physicianSelf("pause") { doc, _, _ in .pause(doc) },
            physicianSelf("resume") { doc, _, _ in .resume(doc) },
        ]
    }

    /// A physician (or admin) acting on a consultation offered or assigned to them.
    func physicianStep(_ step: String, _ input: @escaping @Sendable (ConsultationID, PhysicianID, ConsultationState) -> TNAInput) -> APIRoute {
        APIRoute(.post, "/v1/consultations/{id}/\(step)", roles: [.physician, .admin]) { request, context in
            let p = try context.requirePrincipal()
            let c = try await consultation(context, p)
            let doc = p.role == .admin ? (c.physician ?? PhysicianID(p.subject)) : PhysicianID(p.subject)
            return try context.json(Result(consultationId: c.request.id.rawValue, events: try await run(input(c.request.id, doc, c), p, request).map(\.caseName)))
        }
    }

    /// A physician changing their own status; the centre is the token's scope.
    func physicianSelf(_ step: String, _ input: @escaping @Sendable (PhysicianID, CentreID, SignOnBody?) -> TNAInput) -> APIRoute {
        APIRoute(.post, "/v1/physicians/{id}/\(step)", roles: [.physician, .admin]) { request, context in
            let p = try context.requirePrincipal()
            let raw = try context.parameters.require("id")
            guard p.role == .admin || raw == p.subject else { throw Problem.forbidden("Nur für sich selbst / only for yourself") }
            var body: SignOnBody? = nil
            if step == "sign-on" { body = try await request.decodeStrict(SignOnBody.self, context: context) }
            let centre = CentreID(body?.centre ?? p.scope.sorted().first { $0 != "*" } ?? "")
            guard p.covers(centre.rawValue) else { throw Problem.forbidden("Zentrum \(centre) liegt nicht im Token-Scope") }
            let events = try await run(input(PhysicianID(raw), centre, body), p, request)
            return try context.json(Result(consultationId: nil, events: events.map(\.caseName)))
        }
    }

    func run(_ input: TNAInput, _ p: AuthenticatedPrincipal, _ request: Request) async throws -> [TNAEvent] {
        try await run(input, p, try request.idempotencyKey())
    }

    func run(_ input: TNAInput, _ p: AuthenticatedPrincipal, _ key: String?) async throws -> [TNAEvent] {
        do {
            return try await telenotarzt.handle(input, by: p.principal, idempotencyKey: key)
        } catch let e as TNAError {
            throw Self.problem(e)
        }
    }

    func consultation(_ context: LotseRequestContext, _ p: AuthenticatedPrincipal) async throws -> ConsultationState {
        let raw = try context.parameters.require("id")
        let s = await telenotarzt.state
        guard let c = s.consultations[ConsultationID(raw)], p.maySee(c.request, in: s.network) else {
            throw Problem.notFound("Konsultation \(raw) unbekannt / unknown consultation")
        }
        return c
    }

    static func problem(_ e: TNAError) -> Problem {
        switch e {
        case let .unknownCentre(c): .unprocessable("Zentrum \(c) unbekannt (Token-Scope) / unknown centre", field: "scope")
        case let .invalidParallelLimit(n): .unprocessable("Parallele Konsultationen \(n): erlaubt 1–3", field: "maxParallel")
        case let .notSignedOn(p): .conflict("\(p) ist nicht angemeldet / not signed on")
        case let .unknownConsultation(c): .notFound("Konsultation \(c) unbekannt")
        case let .duplicateConsultation(c): .conflict("Konsultation \(c) existiert bereits")
        case let .invalidPriority(n): .unprocessable("Priorität \(n): erlaubt 1–4", field: "priority")
        case let .districtNotServed(d): .unprocessable("Kein Telenotarzt-Zentrum für \(d) zuständig / district not served", field: "district")
        case let .notOfferedTo(p): .conflict("Nicht (mehr) an \(p) angeboten / not offered to you")
        case let .notAssignedTo(p): .conflict("Nicht (mehr) \(p) zugewiesen / not your consultation")
        case let .invalidTransition(s): .conflict("Schritt passt nicht zum Stand (\(s.rawValue)) / invalid in this state")
        case .reasonRequired: .unprocessable("Begründung fehlt", field: "reason")
        case .destinationRequired: .unprocessable("Zielklinik fehlt (destination) bei Transport in eine Klinik", field: "destination")
        }
    }
}
