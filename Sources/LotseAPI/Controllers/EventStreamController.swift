import Foundation
import HTTPTypes
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseEventStore
import LotseTelenotarzt
import LotseTokens
import ServiceLifecycle

/// Server-Sent Events of the log, resumable with `Last-Event-ID` (or `?after=`). Without either, the stream starts
/// at the current head. Capacity events are visible to every signed-in role (the board is public inside Lotse);
/// announcement events only to the target hospital, the dispatchers of the district, the unit and admins;
/// Telenotarzt events only to the responsible centre's physicians, the district's dispatchers, the unit and admins.
struct EventStreamController: APIController {
    let store: any EventStore
    let broadcaster: EventBroadcaster
    let telenotarzt: TNAService
    let metrics: LotseMetrics
    let streams: StreamLimiter
    let tokens: TokenVerifier
    let reads: ReadAudit

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/events", roles: Role.everyone, query: ["after"]) { request, context in
                let principal = try context.requirePrincipal()
                guard let slot = streams.acquire(principal.principal.description) else {
                    throw Problem(.tooManyRequests, title: "Zu viele Ereignisströme",
                                  detail: "Höchstens \(streams.limit) gleichzeitige Ereignisströme je Token – einen schließen / too many open streams")
                }
                let lastID = try request.headers[HTTPField.Name("Last-Event-ID")!].map { raw -> Int64 in
                    guard let v = Int64(raw), v >= 0 else { throw Problem.badRequest("Last-Event-ID ungültig", field: "Last-Event-ID") }
                    return v
                }
                let afterQuery: Int64? = try request.query("after") { raw -> Int64? in
                    guard let v = Int64(raw), v >= 0 else { return nil }
                    return v
                }
                let head = try await store.head()
                let after = lastID ?? afterQuery ?? head
                let items = broadcaster.items(after: after)
                let subscribers = metrics.sseSubscribers
                let body = ResponseBody { writer in
                    _ = slot  // held until the stream ends
                    subscribers.increment()
                    defer { subscribers.decrement() }
                    try await writer.write(ByteBuffer(string: ": Lotse-Ereignisse ab Position \(after)\n\n"))
                    // The items come from the shared broadcaster (one subscription for all clients). Graceful
                    // shutdown ends the items; a client too slow to keep up is disconnected and resumes by
                    // Last-Event-ID, nothing is lost.
                    // Patient-related events (announcements, consultations) are on record before they are delivered: an entry
                    // when the stream first delivers a case (later events of that case are covered by it).
                    var recorded = Set<String>()
                    try await withGracefulShutdownHandler {
                        for try await item in items {
                            // A revoked or expired token's stream ends (at its revocation event, or the next heartbeat).
                            if let jti = principal.tokenID, item.revokedTokenID == jti { break }
                            guard tokens.stillValid(principal) else { break }
                            if item.isHeartbeat {
                                try await writer.write(item.frame)
                                continue
                            }
                            if item.hidden { continue }
                            if let nudge = item.manvNudge, principal.role == .hospital || principal.role == .crew || principal.role == .physician {
                                if principal.role == .hospital { try await writer.write(nudge) }
                                continue
                            }
                            // Announcements only to those who may see them (hospital, district, unit, admin).
                            if item.adminOnly, principal.role != .admin { continue }
                            if let d = item.dispatcherDistrict, principal.role != .admin, !(principal.role == .dispatcher && principal.covers(d)) { continue }
                            if let a = item.announcement, !principal.maySee(a) { continue }
                            // Telenotarzt events only to those responsible for the consultation (or the physician's centre).
                            if let t = item.tna, !principal.maySee(t, in: await telenotarzt.state) { continue }
                            if let c = item.announcement?.announcementId.rawValue ?? item.tna?.consultationId?.rawValue, !recorded.contains(c) {
                                do {
                                    try await reads.record(principal, route: "/v1/events", cases: [c])
                                } catch {
                                    // Not on record, not delivered (a read-only node cannot record): the stream says so and ends.
                                    try await writer.write(ByteBuffer(string: ": Lesezugriff nicht protokollierbar – Ereignisstrom endet (\(error))\n\n"))
                                    break
                                }
                                recorded.insert(c)
                            }
                            try await writer.write(item.frame)
                        }
                    } onGracefulShutdown: {
                        broadcaster.shutdownStreams()
                    }
                    try await writer.finish(nil)
                }
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
            },
        ]
    }

    /// One SSE frame: `id` = log position, `event` = event type, `data` = one line of JSON.
    static func frame(_ e: RecordedEvent, codec: LotseEventCodec) -> String {
        let principal = codec.metadata(of: e)?.principal ?? ""
        let payload = String(decoding: e.payload, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        let data = "{\"position\":\(e.position),\"stream\":\(quoted(e.stream.rawValue)),\"type\":\(quoted(e.type)),"
            + "\"schemaVersion\":\(e.schemaVersion),\"principal\":\(quoted(principal)),\"payload\":\(payload)}"
        return "id: \(e.position)\nevent: \(e.type)\ndata: \(data)\n\n"
    }

    static func quoted(_ s: String) -> String {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.string(s)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
