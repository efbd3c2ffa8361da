import Foundation
import Hummingbird
import LotseCapacity
import LotseDomain
import LotseTelenotarzt
import LotseTime
import LotseTokens

/// The alarms a Leitstelle must not miss: a red announcement the hospital did not acknowledge in time (escalated), and
/// a Telenotarzt request no physician took within the Leitstelle alert time. Alarms are derived from the projection
/// and the Telenotarzt state; a dispatcher of the district acknowledges one (`AlarmAcknowledged` in the log: who,
/// when), and it leaves the list of open alarms.
struct AlarmController: APIController {
    let projector: CapacityProjector
    let telenotarzt: TNAService
    let alarms: AlarmService
    let clock: any LotseClock
    let reads: ReadAudit

    struct Alarm: Codable {
        let id: String
        /// `announcement-escalated` or `telenotarzt-unassigned`.
        let kind: String
        let district: String
        let raisedAt: Timestamp
        let text: String
        let announcementId: String?
        let consultationId: String?
        let acknowledgedAt: Timestamp?
        let acknowledgedBy: String?
    }

    struct AlarmList: Codable {
        let alarms: [Alarm]
    }

    struct AckResult: Codable {
        let alarmId: String
        let position: Int64
        let newlyAcknowledged: Bool
    }

    /// Every alarm the caller may see: open ones (their cause still open: the announcement still unacknowledged, the
    /// request still without a physician), and those acknowledged within the last 12 h; open first, newest first. An
    /// alarm whose cause resolved itself before anyone acknowledged it is no longer listed.
    func visibleAlarms(for p: AuthenticatedPrincipal) async -> [Alarm] {
        let now = clock.now()
        let index = projector.snapshot
        let tna = await telenotarzt.state
        var out: [Alarm] = []
        func add(_ id: String, _ kind: String, _ district: DistrictID, _ at: Timestamp, _ text: String, open: Bool, announcement: String? = nil,
                 consultation: String? = nil) {
            guard p.role == .admin || (p.role == .dispatcher && p.covers(district.rawValue)) else { return }
            let ack = alarms.acknowledgement(of: id)
            if let ack, now.minutes(since: ack.at) > 12 * 60 { return }
            if ack == nil, !open { return }
            out.append(Alarm(id: id, kind: kind, district: district.rawValue, raisedAt: at, text: text, announcementId: announcement,
                             consultationId: consultation, acknowledgedAt: ack?.at, acknowledgedBy: ack?.by))
        }
        for a in index.announcements.values {
            guard let at = a.escalatedAt else { continue }
            let name = index[a.hospitalId]?.name ?? a.hospitalId.rawValue
            let state = a.status == .announced ? "noch nicht quittiert" : "inzwischen \(a.status.rawValue)"
            add("announcement-\(a.id.rawValue)", "announcement-escalated", a.district, at,
                "Rote Voranmeldung (PZC \(a.pzc), \(a.unit), ETA \(a.eta.iso8601)) an \(name): \(state)", open: a.status == .announced,
                announcement: a.id.rawValue)
        }
        for c in tna.consultations.values where c.leitstelleAlerted {
            let at = c.requestedAt.adding(seconds: tna.rules.leitstelleAlertSeconds)
            let state = c.status == .waiting || c.status == .offered ? "noch kein Telenotarzt" : "inzwischen \(c.status.rawValue)"
            add("consultation-\(c.request.id.rawValue)", "telenotarzt-unassigned", c.request.district, at,
                "Telenotarzt-Anforderung von \(c.request.unit) (Priorität \(c.request.priority)) seit \(c.requestedAt.iso8601): \(state)",
                open: c.status == .waiting || c.status == .offered, consultation: c.request.id.rawValue)
        }
        return out.sorted { a, b in
            if (a.acknowledgedAt == nil) != (b.acknowledgedAt == nil) { return a.acknowledgedAt == nil }
            return (a.raisedAt, a.id) > (b.raisedAt, b.id)
        }
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/alarms", roles: [.dispatcher, .admin]) { _, context in
                let p = try context.requirePrincipal()
                let alarms = await visibleAlarms(for: p)
                try await reads.record(p, route: "/v1/alarms", cases: alarms.compactMap { $0.announcementId ?? $0.consultationId })
                return try context.json(AlarmList(alarms: alarms))
            },
            APIRoute(.post, "/v1/alarms/{id}/acknowledgement", roles: [.dispatcher, .admin]) { request, context in
                let p = try context.requirePrincipal()
                let id = try context.parameters.require("id")
                guard let alarm = await visibleAlarms(for: p).first(where: { $0.id == id }) else {
                    throw Problem.notFound("Alarm \(id) unbekannt / unknown alarm")
                }
                let o = try await alarms.acknowledge(id, district: DistrictID(alarm.district), by: p.principal, at: clock.now(),
                                                     idempotencyKey: try request.idempotencyKey(), correlationId: context.id)
                return try context.json(AckResult(alarmId: id, position: o.position, newlyAcknowledged: !o.events.isEmpty),
                                        status: o.events.isEmpty || o.deduplicated ? .ok : .created)
            },
        ]
    }
}
