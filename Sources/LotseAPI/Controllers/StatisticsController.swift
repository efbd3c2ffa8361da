import Foundation
import Hummingbird
import LotseDomain
import LotseEventStore
import LotseStatistics
import LotseTime
import LotseTokens

/// `GET /v1/statistics`: the figures of a period from the log (closures, data age, announcements, offload,
/// Telenotarzt) as JSON, CSV or Markdown — for admins, a dispatcher's districts, a hospital itself.
struct StatisticsController: APIController {
    let store: any EventStore
    let clock: any LotseClock
    let ttlMinutes: Double
    /// The longest period one request may ask for (the whole log is read for any period).
    static let maxDays = 400.0

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/statistics", roles: [.admin, .dispatcher, .hospital], query: ["from", "to", "district", "hospital", "format"]) { request, context in
                let p = try context.requirePrincipal()
                let values = QueryValues(request)
                let now = clock.now()
                // Up to now at the latest: the future has no events, and a running closure is not counted ahead.
                let to = min(try values.value("to") { Timestamp(iso8601: $0) } ?? now, now)
                let from = try values.value("from") { Timestamp(iso8601: $0) } ?? to.adding(minutes: -30 * 24 * 60)
                guard from < to else { throw Problem.unprocessable("„from“ muss vor „to“ liegen", field: "from") }
                guard to.minutes(since: from) <= Self.maxDays * 24 * 60 else {
                    throw Problem.unprocessable("Höchstens \(Int(Self.maxDays)) Tage je Abfrage", field: "from")
                }
                let format = try values.value("format") { StatisticsReport.Format(rawValue: $0) } ?? .json
                let districts = request.uri.queryParameters.getAll("district").map { DistrictID(String($0)) }
                let hospital = try values.value("hospital") { HospitalID($0) }
                let scope = try p.statisticsScope(districts: districts, hospital: hospital)
                let report = try await LogStatistics.compute(from: from, to: to, scope: scope, ttlMinutes: ttlMinutes, store: store)
                let type = switch format {
                case .json: "application/json"
                case .csv: "text/csv; charset=utf-8"
                case .md: "text/markdown; charset=utf-8"
                }
                return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: try report.rendered(as: format))))
            },
        ]
    }
}
