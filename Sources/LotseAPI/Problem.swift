import Foundation
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore

/// An RFC 9457 problem: every 4xx/5xx of the API is `application/problem+json` with a German-readable detail,
/// and names the offending field where there is one.
public struct Problem: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let title: String
    public let detail: String
    /// The request field at fault (`until`, `beds.icu-high-care`, `lat`, …).
    public let field: String?

    public init(_ status: HTTPResponse.Status, title: String, detail: String, field: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
    }

    public static func badRequest(_ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, title: "Ungültige Anfrage", detail: detail, field: field)
    }
    public static func unprocessable(_ detail: String, field: String? = nil) -> Problem {
        Problem(.unprocessableContent, title: "Nicht verarbeitbar", detail: detail, field: field)
    }
    public static func unauthorized(_ detail: String) -> Problem { Problem(.unauthorized, title: "Nicht angemeldet", detail: detail) }
    public static func forbidden(_ detail: String) -> Problem { Problem(.forbidden, title: "Nicht erlaubt", detail: detail) }
    public static func notFound(_ detail: String) -> Problem { Problem(.notFound, title: "Nicht gefunden", detail: detail) }
    public static func conflict(_ detail: String) -> Problem { Problem(.conflict, title: "Konflikt", detail: detail) }

    /// Works for any context: a problem can come from before the Lotse context exists (Hummingbird's own errors).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // RFC 9457 members, keys sorted like every JSON answer of the API.
        var w = JSONWriter()
        w.object { w in
            w.field("detail") { $0.string(detail) }
            if let field { w.field("field") { $0.string(field) } }
            w.field("status") { $0.int(Int(status.code)) }
            w.field("title") { $0.string(title) }
            w.field("type") { $0.string("about:blank") }
        }
        let body = w.bytes
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        // The store or the projection is not there yet: worth trying again in a moment (another node, or this one).
        if status == .serviceUnavailable { headers[.retryAfter] = "2" }
        if status == .tooManyRequests { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The problem for any error a handler or Hummingbird threw.
    public static func from(_ error: any Error) -> Problem {
        switch error {
        case let p as Problem: return p
        case let e as HospitalError: return from(e)
        case let e as CapacityService.Failure:
            switch e {
            case let .refused(h): return from(h)
            case let .store(s): return from(s)
            }
        case let e as EventStoreError: return from(e)
        case let e as AnnouncementService.Failure:
            switch e {
            case let .refused(a): return from(a)
            case let .code(d): return from(d)
            case .unknownHospital: return .unprocessable(e.description, field: "hospitalId")
            case let .store(s): return from(s)
            }
        case let e as DispatchError: return from(e)
        case let e as PZCError: return .unprocessable(e.description, field: "pzc")
        case let e as HTTPError:
            switch e.status {
            case .contentTooLarge: return Problem(.contentTooLarge, title: "Zu groß", detail: "Anfrage größer als erlaubt / body too large")
            case .notFound: return .notFound(e.body ?? "Pfad unbekannt / no such route")
            case .methodNotAllowed: return Problem(.methodNotAllowed, title: "Methode nicht erlaubt", detail: e.body ?? "method not allowed")
            default: return Problem(e.status, title: e.status.reasonPhrase, detail: e.body ?? e.status.reasonPhrase)
            }
        case let e as DecodingError: return fromDecoding(e)
        case let e as any HTTPResponseError where e.status == .contentTooLarge:
            return Problem(.contentTooLarge, title: "Zu groß", detail: "Anfrage größer als erlaubt / body too large")
        case let e as any HTTPResponseError:
            return Problem(e.status, title: e.status.reasonPhrase, detail: e.status.reasonPhrase)
        default:
            return Problem(.internalServerError, title: "Interner Fehler", detail: "Interner Fehler – nichts wurde geschrieben, falls nicht bestätigt / internal error")
        }
    }

    static func from(_ e: HospitalError) -> Problem {
        switch e {
        case .notRegistered: .notFound(e.description)
        case .alreadyRegistered, .resourceClosed, .notClosed: .conflict(e.description)
        case .invalidName: .unprocessable(e.description, field: "name")
        case .invalidNotfallstufe: .unprocessable(e.description, field: "notfallstufe")
        case .resourceNotInProfile: .unprocessable(e.description, field: "resource")
        case .reasonRequired: .unprocessable(e.description, field: "reason")
        case .untilNotInFuture, .untilTooFar: .unprocessable(e.description, field: "until")
        case .noBedCounts: .unprocessable(e.description, field: "beds")
        case let .invalidBedCount(c): .unprocessable(e.description, field: "beds.\(c.rawValue)")
        }
    }

    static func from(_ e: AnnouncementError) -> Problem {
        switch e {
        case .notFound: .notFound(e.description)
        case .alreadyExists, .alreadyAcknowledged, .closed, .notArrived, .alreadyHandedOver: .conflict(e.description)
        case .unitRequired: .unprocessable(e.description, field: "unit")
        case .etaOutOfRange: .unprocessable(e.description, field: "eta")
        case .overrideReasonRequired: .unprocessable(e.description, field: "overrideReason")
        case .reasonRequired: .unprocessable(e.description, field: "reason")
        case .handoverOutOfRange: .unprocessable(e.description, field: "handoverAt")
        case .arrivalOutOfRange: .unprocessable(e.description, field: "arrivedAt")
        }
    }

    static func from(_ e: EventStoreError) -> Problem {
        switch e {
        case .wrongExpectedVersion: .conflict(e.description)
        case .idempotencyKeyReused: .unprocessable(e.description, field: "Idempotency-Key")
        case .storage, .closed: Problem(.serviceUnavailable, title: "Speicher nicht verfügbar", detail: e.description)
        }
    }

    static func from(_ e: DispatchError) -> Problem {
        switch e {
        case let .pzc(p): .unprocessable(p.description, field: "pzc")
        case .unknownRMI, .notAnAllocationCode, .noRequirements, .urgencyNotAllowed: .unprocessable(e.description, field: "pzc")
        case .invalidLimit: .badRequest(e.description, field: "limit")
        case .invalidParameters: Problem(.internalServerError, title: "Konfiguration", detail: e.description)
        }
    }

    static func fromDecoding(_ e: DecodingError) -> Problem {
        func path(_ c: [any CodingKey]) -> String { c.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case let .keyNotFound(key, ctx):
            let f = path(ctx.codingPath + [key])
            return .badRequest("Feld „\(f)“ fehlt / missing field", field: f)
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx):
            let f = path(ctx.codingPath)
            return .badRequest("Feld „\(f)“ hat den falschen Typ / wrong type", field: f)
        case let .dataCorrupted(ctx):
            let f = path(ctx.codingPath)
            return f.isEmpty ? .badRequest("Kein gültiges JSON / malformed JSON")
                : .badRequest("Feld „\(f)“ ungültig: \(ctx.debugDescription)", field: f)
        @unknown default:
            return .badRequest("Ungültiger Inhalt / invalid body")
        }
    }
}

/// Turns every error into a problem response (including Hummingbird's own 404 and 413).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status == .internalServerError { context.logger.error("request failed", metadata: ["lotse.error": "\(error)"]) }
            return try problem.response(from: request, context: context)
        }
    }
}
