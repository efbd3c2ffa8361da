import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseTime
import LotseTokens

/// The dispatch ranking as a query, with the same explainable answer as `lotse dispatch --json`.
struct DispatchController: APIController {
    let projector: CapacityProjector
    let ranking: DispatchRanking
    let clock: any LotseClock
    let usage: DispatchUsageCounter
    static let parameters: Set<String> = ["lat", "lon", "pzc", "rmi", "urgency", "age", "district", "limit", "minPosition"]

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/dispatch", roles: [.dispatcher, .crew, .physician, .admin], query: DispatchController.parameters) { request, context in
                let values = QueryValues(request)
                let q = try query(values)
                try await projector.awaitPosition(try values.minPosition())
                let now = clock.now()
                // Score inside the index lock, explain outside it.
                let answer = ranking.format(try projector.withIndex { try ranking.score(q, in: $0, at: now) }, at: now)
                usage.count(at: now)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer.withJSON { ByteBuffer(bytes: $0) }))
            },
        ]
    }

    func query(_ r: QueryValues) throws -> DispatchQuery {
        guard let lat = try r.value("lat", { Double($0) }) else { throw Problem.badRequest("Parameter „lat“ fehlt", field: "lat") }
        guard let lon = try r.value("lon", { Double($0) }) else { throw Problem.badRequest("Parameter „lon“ fehlt", field: "lon") }
        guard (-90...90).contains(lat) else { throw Problem.unprocessable("Breite \(lat) außerhalb −90…90", field: "lat") }
        guard let position = GeoPoint(lat: lat, lon: lon) else { throw Problem.unprocessable("Länge \(lon) außerhalb −180…180", field: "lon") }
        let limit = try r.value("limit") { Int($0) } ?? 10
        let district = try r.value("district") { $0.isEmpty ? nil : DistrictID($0) }
        if let raw = r["pzc"] {
            let pzc: PZC
            do { pzc = try PZC(parsing: String(raw)) } catch { throw Problem.unprocessable(error.description, field: "pzc") }
            return try DispatchQuery(position: position, pzc: pzc, district: district, limit: limit)
        }
        guard let rmi = try r.value("rmi", { RMI($0) }) else { throw Problem.badRequest("„pzc“ oder „rmi“ mit „urgency“ und „age“ angeben", field: "pzc") }
        guard let urgency = try r.value("urgency", { Int($0).flatMap(Urgency.init(rawValue:)) }) else {
            throw Problem.badRequest("Parameter „urgency“ (1–3) fehlt", field: "urgency")
        }
        guard let age = try r.value("age", { Int($0) }) else { throw Problem.badRequest("Parameter „age“ fehlt", field: "age") }
        guard (0...99).contains(age) else { throw Problem.unprocessable("Alter \(age) außerhalb 0–99", field: "age") }
        return try DispatchQuery(position: position, rmi: rmi, urgency: urgency, age: age, district: district, limit: limit)
    }
}
