import Foundation
import Hummingbird
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseTokens

/// The whole capacity picture "auf einen Blick": every hospital with its resources and beds, optionally for a
/// district, as of now (`minPosition` for read-your-writes) or as it was at `asOf` (time travel).
struct BoardRoutes {
    let api: LotseAPIServices

    struct Board: Codable {
        let logPosition: Int64
        /// The time the statuses are evaluated at: now, or `asOf`.
        let evaluatedAt: Timestamp
        let asOf: Timestamp?
        let district: String?
        let hospitals: [HospitalView]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/board", roles: Role.everyone) { request, _ in
                let district = try request.query("district") { $0.isEmpty ? nil : DistrictID($0) }
                let asOf = try request.query("asOf") { Timestamp(iso8601: $0) }
                try await api.awaitPosition(try request.query("minPosition") { Int64($0) })
                let now = api.now
                let ttl = api.ranking.parameters.statusTTLMinutes
                let index: CapacityIndex
                if let asOf {
                    guard asOf <= now else { throw Problem.unprocessable("„asOf“ liegt in der Zukunft", field: "asOf") }
                    index = try await indexAsOf(asOf)
                } else {
                    index = api.projector.snapshot
                }
                let at = asOf ?? now
                let views = index.hospitals.enumerated().filter { district == nil || $0.element.district == district }
                    .sorted { $0.element.id < $1.element.id }
                    .map { HospitalView($0.element, at: at, ttlMinutes: ttl, patientsEnRoute: index.patientsEnRoute(slot: $0.offset)) }
                return try json(Board(logPosition: index.position, evaluatedAt: at, asOf: asOf, district: district?.rawValue, hospitals: views))
            },
        ]
    }

    /// The index as it was at `asOf`: every event that had occurred by then, in log order.
    /// Reads the log from the start (no snapshot can be used for the past); cost grows with the log.
    func indexAsOf(_ asOf: Timestamp) async throws -> CapacityIndex {
        var index = CapacityIndex()
        let codec = LotseEventCodec()
        var after: Int64 = 0
        while true {
            let page = try await api.store.read(after: after, limit: 4096)
            guard let last = page.last else { break }
            for r in page {
                if let e = try codec.decodeAny(r), e.occurredAt <= asOf { index.apply(e, at: r.position) }
            }
            after = last.position
        }
        return index
    }
}
