import Foundation
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseTime
import LotseTokens

/// The whole capacity picture "auf einen Blick": every hospital with its resources and beds, optionally for a
/// district, as of now (`minPosition` for read-your-writes) or as it was at `asOf` (time travel).
struct BoardController: APIController {
    let projector: CapacityProjector
    let clock: any LotseClock
    let ttlMinutes: Double
    let store: any EventStore

    struct Board: Codable, DirectJSON {
        let logPosition: Int64
        /// The time the statuses are evaluated at: now, or `asOf`.
        let evaluatedAt: Timestamp
        let asOf: Timestamp?
        let district: String?
        /// Seconds since the store last answered, while it does not: the board is at least that old (0 normally).
        let dataAgeSeconds: Double
        let hospitals: [HospitalView]

        func write(_ w: inout JSONWriter) {
            w.beginObject()
            if let t = asOf { w.key("asOf"); w.timestamp(t) }
            w.key("dataAgeSeconds"); w.double(dataAgeSeconds)
            if let d = district { w.key("district"); w.string(d) }
            w.key("evaluatedAt"); w.timestamp(evaluatedAt)
            w.key("hospitals"); HospitalView.write(hospitals, &w)
            w.key("logPosition"); w.int(Int(logPosition))
            w.endObject()
        }
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/board", roles: Role.everyone, query: ["district", "asOf", "minPosition"]) { request, context in
                let district = try request.query("district") { $0.isEmpty ? nil : DistrictID($0) }
                let asOf = try request.asOf()
                try await projector.awaitPosition(try request.minPosition())
                let now = clock.now()
                let ttl = ttlMinutes
                let index = try await projector.index(asOf: asOf, now: now)
                let at = asOf ?? now
                let views = index.hospitals.enumerated().filter { district == nil || $0.element.district == district }
                    .sorted { $0.element.id < $1.element.id }
                    .map { HospitalView($0.element, at: at, ttlMinutes: ttl, patientsEnRoute: index.patientsEnRoute(slot: $0.offset)) }
                return context.json(Board(logPosition: index.position, evaluatedAt: at, asOf: asOf, district: district?.rawValue,
                                      dataAgeSeconds: asOf == nil ? store.status.staleSeconds().rounded(toPlaces: 1) : 0, hospitals: views))
            },
        ]
    }
}
