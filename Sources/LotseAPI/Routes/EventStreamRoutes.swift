import Foundation
import HTTPTypes
import Hummingbird
import LotseCapacity
import LotseEventStore
import ServiceLifecycle

/// Server-Sent Events of the log, resumable with `Last-Event-ID` (or `?after=`). Without either, the stream starts
/// at the current head. Capacity events are visible to every signed-in role (the board is public inside Lotse);
/// announcement events only to the target hospital, the dispatchers of the district, the unit and admins.
struct EventStreamRoutes {
    let api: LotseAPIServices

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/events", roles: Role.everyone) { request, context in
                let principal = try context.requirePrincipal()
                let lastID = try request.headers[HTTPField.Name("Last-Event-ID")!].map { raw -> Int64 in
                    guard let v = Int64(raw), v >= 0 else { throw Problem.badRequest("Last-Event-ID ungültig", field: "Last-Event-ID") }
                    return v
                }
                let afterQuery: Int64? = try request.query("after") { raw -> Int64? in
                    guard let v = Int64(raw), v >= 0 else { return nil }
                    return v
                }
                let head = try await api.store.head()
                let after = lastID ?? afterQuery ?? head
                let subscription = api.store.subscribe(after: after)
                let codec = api.service.codec
                let subscribers = api.metrics.sseSubscribers
                let body = ResponseBody { writer in
                    subscribers.increment()
                    defer { subscribers.decrement() }
                    try await writer.write(ByteBuffer(string: ": Lotse-Ereignisse ab Position \(after)\n\n"))
                    // The subscription runs in a child task that ends on graceful shutdown; frames reach this writer
                    // through a bounded buffer. A client too slow to keep up is disconnected (it resumes with
                    // Last-Event-ID, nothing is lost) instead of growing the server's memory.
                    let (frames, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferedFrames))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            defer { continuation.finish() }
                            // On graceful shutdown the frames end, the loop below ends and cancels this task.
                            try await withGracefulShutdownHandler {
                                for try await e in subscription {
                                    // Announcements only to those who may see them (hospital, district, unit, admin).
                                    if let a = try? codec.decodeAnnouncement(e), !principal.maySee(a.header) { continue }
                                    if case .dropped = continuation.yield(Self.frame(e, codec: codec)) { return }
                                }
                            } onGracefulShutdown: {
                                continuation.finish()
                            }
                        }
                        for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                        group.cancelAll()
                    }
                    try await writer.finish(nil)
                }
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
            },
        ]
    }

    static let bufferedFrames = 10_000

    /// One SSE frame: `id` = log position, `event` = event type, `data` = one line of JSON.
    static func frame(_ e: RecordedEvent, codec: HospitalEventCodec) -> String {
        let principal = codec.metadata(of: e)?.principal ?? ""
        let payload = String(decoding: e.payload, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        let data = "{\"position\":\(e.position),\"stream\":\(quoted(e.stream.rawValue)),\"type\":\(quoted(e.type)),"
            + "\"schemaVersion\":\(e.schemaVersion),\"principal\":\(quoted(principal)),\"payload\":\(payload)}"
        return "id: \(e.position)\nevent: \(e.type)\ndata: \(data)\n\n"
    }

    static func quoted(_ s: String) -> String {
        (try? String(decoding: JSONEncoder().encode(s), as: UTF8.self)) ?? "\"\""
    }
}
