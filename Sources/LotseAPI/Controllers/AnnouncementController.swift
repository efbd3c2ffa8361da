import Foundation
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseTime
import LotseTokens

/// Announcements (Voranmeldung): a Leitstelle or crew announces a patient; the hospital acknowledges and records
/// the arrival; red announcements left unacknowledged escalate (timer).
struct AnnouncementController: APIController {
    let announcements: AnnouncementService
    let projector: CapacityProjector
    let clock: any LotseClock
    let ttlMinutes: Double
    let reads: ReadAudit

    struct AnnounceBody: StrictBody {
        static let allowedKeys: Set<String> = ["hospitalId", "pzc", "flags", "eta", "unit", "district", "overrideReason"]
        let hospitalId: HospitalID
        let pzc: String
        let flags: [AnnouncementFlag]?
        let eta: Timestamp
        let unit: String
        let district: DistrictID
        let overrideReason: String?
    }

    struct ArrivalBody: StrictBody {
        static let allowedKeys: Set<String> = ["handoverAt", "arrivedAt"]
        let handoverAt: Timestamp?
        /// The crew's arrival time when it reports later (after a Funkloch); default now.
        let arrivedAt: Timestamp?
    }

    struct HandoverBody: StrictBody {
        static let allowedKeys: Set<String> = ["handoverAt"]
        let handoverAt: Timestamp?
    }

    struct CancelBody: StrictBody {
        static let allowedKeys: Set<String> = ["reason"]
        let reason: String
    }

    /// An announcement as the API shows it.
    struct View: Codable {
        let announcement: AnnouncementState
        let logPosition: Int64
    }

    struct List: Codable {
        let logPosition: Int64
        let announcements: [AnnouncementState]
    }

    struct Result: Codable {
        let announcementId: AnnouncementID
        let position: Int64
        let events: [String]
        let deduplicated: Bool
        /// Set when the announcement was made despite a closure ("Zuweisung trotz Abmeldung").
        let override: Bool

        init(_ o: AnnouncementService.Outcome) {
            announcementId = o.announcementId
            position = o.position
            events = o.events.map(\.typeName)
            deduplicated = o.deduplicated
            if case let .announced(e)? = o.events.first { override = e.overrideReason != nil } else { override = false }
        }
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/announcements", roles: [.dispatcher, .crew, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let b = try await request.decodeStrict(AnnounceBody.self, context: context)
                guard p.mayAnnounce(district: b.district, unit: b.unit) else {
                    throw Problem.forbidden("Voranmeldung nur aus dem eigenen Bereich / der eigenen Einheit (Scope) / outside your scope")
                }
                let pzc: PZC
                do { pzc = try PZC(parsing: b.pzc) } catch { throw Problem.unprocessable("\(error)", field: "pzc") }
                let input = AnnouncementService.Input(
                    hospitalId: b.hospitalId, pzc: pzc, flags: b.flags ?? [], eta: b.eta, unit: b.unit, district: b.district,
                    overrideReason: b.overrideReason)
                let o = try await announcements.announce(
                    input, index: projector.snapshot, by: p.principal, at: clock.now(), ttlMinutes: ttlMinutes,
                    idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                return try context.json(Result(o), status: o.deduplicated ? .ok : .created)
            },
            APIRoute(.get, "/v1/announcements", roles: [.hospital, .dispatcher, .crew, .admin], query: ["hospitalId", "status", "minPosition"]) { request, context in
                let p = try context.requirePrincipal()
                let hospital = try request.query("hospitalId") { HospitalID($0) }
                let status = try request.query("status") { AnnouncementStatus(rawValue: $0) }
                try await projector.awaitPosition(try request.minPosition())
                let (position, all) = projector.withIndex { ($0.position, Array($0.announcements.values)) }
                let visible = all.filter { a in
                    p.maySee(header(a)) && (hospital == nil || a.hospitalId == hospital) && (status == nil || a.status == status)
                }.sorted { ($0.eta, $0.id) < ($1.eta, $1.id) }
                try await reads.record(p, route: "/v1/announcements", cases: visible.map(\.id.rawValue))
                return try context.json(List(logPosition: position, announcements: visible))
            },
            APIRoute(.get, "/v1/announcements/{id}", roles: [.hospital, .dispatcher, .crew, .admin]) { _, context in
                let a = try await visibleAnnouncement(context)
                try await reads.record(try context.requirePrincipal(), route: "/v1/announcements/{id}", cases: [a.id.rawValue])
                return try context.json(View(announcement: a, logPosition: projector.position))
            },
            APIRoute(.post, "/v1/announcements/{id}/acknowledgement", roles: [.hospital, .admin]) { request, context in
                try await hospitalCommand(request, context, allowed: { p, a in p.mayChange(hospital: a.hospitalId) }) { .acknowledge }
            },
            APIRoute(.post, "/v1/announcements/{id}/arrival", roles: [.hospital, .crew, .admin]) { request, context in
                // The body is read only after the caller is known to be the receiving hospital or the announcing crew.
                // A hospital records arrival and hand-over at once; a crew the arrival, and the hospital the hand-over later.
                try await hospitalCommand(request, context, allowed: { p, a in p.mayReportArrival(header(a)) }) {
                    let b = try await request.decodeStrict(ArrivalBody.self, context: context)
                    guard try context.requirePrincipal().role == .crew else {
                        guard b.arrivedAt == nil else { throw Problem.unprocessable("Die Klinik meldet Ankunft und Übergabe zusammen (handoverAt) / use handoverAt", field: "arrivedAt") }
                        return .arrive(handoverAt: b.handoverAt)
                    }
                    guard b.handoverAt == nil else { throw Problem.unprocessable("Die Übergabe meldet die Klinik / the hospital records the hand-over", field: "handoverAt") }
                    return .arriveAwaitingHandover(at: b.arrivedAt)
                }
            },
            APIRoute(.post, "/v1/announcements/{id}/handover", roles: [.hospital, .admin]) { request, context in
                try await hospitalCommand(request, context, allowed: { p, a in p.mayChange(hospital: a.hospitalId) }) {
                    .handOver(at: try await request.decodeStrict(HandoverBody.self, context: context).handoverAt)
                }
            },
            APIRoute(.post, "/v1/announcements/{id}/cancellation", roles: [.dispatcher, .crew, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let a = try await visibleAnnouncement(context)
                guard p.mayAnnounce(district: a.district, unit: a.unit) else { throw Problem.forbidden("Nicht im eigenen Bereich / outside your scope") }
                let b = try await request.decodeStrict(CancelBody.self, context: context)
                let o = try await announcements.execute(
                    .cancel(reason: b.reason), id: a.id, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                return try context.json(Result(o))
            },
        ]
    }

    func header(_ a: AnnouncementState) -> AnnouncementHeader {
        AnnouncementHeader(announcementId: a.id, hospitalId: a.hospitalId, district: a.district, unit: a.unit)
    }

    /// The announcement of the path, if the caller may see it (404 otherwise: its existence is not revealed).
    /// Reads the projection, and the aggregate when the projection has not got it yet (a command right after the
    /// announcement) or no longer keeps it (closed more than a day ago).
    func visibleAnnouncement(_ context: LotseRequestContext) async throws -> AnnouncementState {
        let p = try context.requirePrincipal()
        let raw = try context.parameters.require("id")
        guard let id = AnnouncementID(raw) else { throw Problem.badRequest("Voranmeldungs-ID „\(raw)“ ungültig", field: "id") }
        var found = projector.withIndex({ $0.announcements[id] })
        if found == nil { found = try await announcements.load(id) }
        guard let a = found, p.maySee(header(a)) else {
            throw Problem.notFound("Voranmeldung \(raw) unbekannt / unknown announcement")
        }
        return a
    }

    /// Acknowledge (the receiving hospital) or arrival (also the announcing crew), admins always; `command` (which may
    /// read the body) runs after that check.
    func hospitalCommand(_ request: Request, _ context: LotseRequestContext, allowed: (AuthenticatedPrincipal, AnnouncementState) -> Bool,
                         _ command: () async throws -> AnnouncementCommand) async throws -> Response {
        let p = try context.requirePrincipal()
        let raw = try context.parameters.require("id")
        guard let id = AnnouncementID(raw) else { throw Problem.badRequest("Voranmeldungs-ID „\(raw)“ ungültig", field: "id") }
        guard let a = try await announcements.load(id), p.maySee(header(a)) else {
            throw Problem.notFound("Voranmeldung \(raw) unbekannt / unknown announcement")
        }
        guard allowed(p, a) else { throw Problem.forbidden("Nur die Zielklinik (oder die anmeldende Besatzung) / not yours") }
        let c = try await command()
        let o = try await announcements.execute(c, id: id, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
        return try context.json(Result(o))
    }
}
