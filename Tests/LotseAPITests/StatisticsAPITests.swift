import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseEventStore
import Logging
import LotseDomain
import Testing

/// `GET /v1/statistics`: the figures of the log for whoever may see them — an admin everything, a dispatcher its
/// districts, a hospital itself — as JSON, CSV or Markdown; bad periods refused naming the field.
@Suite struct StatisticsAPITests {
    @Test func figuresByRoleAndFormat() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let closed = try await client.execute(uri: "/v1/hospitals/772096/resources/stroke-unit/closure", method: .put, headers: f.headers(.hospital),
                                                  body: body(#"{"reason":"CT defekt","until":"2026-11-23T12:30:00Z"}"#))
            #expect(closed.status == .ok)
            f.clock.advance(minutes: 60)
            let period = "from=2026-11-23T00:00:00Z&to=2026-11-23T11:00:00Z"
            let all = try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.admin))
            #expect(all.status == .ok && all.headers[.contentType] == "application/json", "\(all.text)")
            let totals = all.json["totals"] as? [String: Any]
            #expect(totals?["closures"] as? Int == 1)
            let hospitals = all.json["hospitals"] as? [[String: Any]] ?? []
            #expect(hospitals.count > 30)
            let bergen = hospitals.first { $0["hospitalId"] as? String == "772096" }
            let stroke = (bergen?["closures"] as? [[String: Any]])?.first { $0["resource"] as? String == "stroke-unit" }
            #expect(stroke?["count"] as? Int == 1 && stroke?["stillClosed"] as? Int == 1, "\(String(describing: stroke))")
            // Closed from 10:05 to the period's end at 11:00 (until 12:30 is after it).
            #expect(abs((stroke?["hours"] as? Double ?? 0) - 0.9) < 0.051)
            #expect((stroke?["reasons"] as? [[String: Any]])?.first?["text"] as? String == "CT defekt")

            let own = try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.hospital))
            #expect((own.json["hospitals"] as? [[String: Any]])?.map { $0["hospitalId"] as? String } == ["772096"])
            #expect(own.json["telenotarzt"] is NSNull || own.json["telenotarzt"] == nil)
            let foreign = try await client.execute(uri: "/v1/statistics?\(period)&hospital=771003", method: .get, headers: f.headers(.hospital))
            #expect(foreign.status == .forbidden && foreign.headers[.contentType] == "application/problem+json")

            let district = try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.dispatcher))
            let districts = Set((district.json["hospitals"] as? [[String: Any]] ?? []).compactMap { $0["district"] as? String })
            #expect(districts == ["Vorpommern-Rügen"], "\(districts)")
            let other = try await client.execute(uri: "/v1/statistics?\(period)&district=Rostock", method: .get, headers: f.headers(.dispatcher))
            #expect(other.status == .forbidden)
            #expect(try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.crew)).status == .forbidden)

            let csv = try await client.execute(uri: "/v1/statistics?\(period)&format=csv", method: .get, headers: f.headers(.admin))
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" && csv.text.contains("closures,772096,"))
            let md = try await client.execute(uri: "/v1/statistics?\(period)&format=md", method: .get, headers: f.headers(.admin))
            #expect(md.text.contains("| Sana-Krankenhaus Rügen") && md.text.contains("CT defekt (1)"))

            let backwards = try await client.execute(uri: "/v1/statistics?from=2026-11-23T11:00:00Z&to=2026-11-23T00:00:00Z", method: .get, headers: f.headers(.admin))
            #expect(backwards.status == .unprocessableContent && backwards.json["field"] as? String == "from")
            let long = try await client.execute(uri: "/v1/statistics?from=2020-01-01T00:00:00Z&to=2026-11-23T00:00:00Z", method: .get, headers: f.headers(.admin))
            #expect(long.status == .unprocessableContent)
            // A period ending in the future ends now: the running closure counts up to now, not ahead.
            let ahead = try await client.execute(uri: "/v1/statistics?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z", method: .get, headers: f.headers(.admin))
            #expect((ahead.json["to"] as? String).flatMap(Timestamp.init(iso8601:)) == f.clock.now())
            let running = ((ahead.json["hospitals"] as? [[String: Any]])?.first { $0["hospitalId"] as? String == "772096" }?["closures"] as? [[String: Any]])?.first
            #expect(abs((running?["hours"] as? Double ?? 0) - 1.0) < 0.051, "\(String(describing: running))")
            let badFormat = try await client.execute(uri: "/v1/statistics?format=pdf", method: .get, headers: f.headers(.admin))
            #expect(badFormat.status == .badRequest && badFormat.json["field"] as? String == "format")
        }
    }

    @Test func dispatchQuestionsAreCountedPerHourAndWrittenByTheNode() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let ask = "/v1/dispatch?pzc=421701&lat=54.63&lon=13.22"
            for _ in 0..<3 { #expect(try await client.execute(uri: ask, method: .get, headers: f.headers(.dispatcher)).status == .ok) }
            f.clock.advance(minutes: 60)
            #expect(try await client.execute(uri: ask, method: .get, headers: f.headers(.crew)).status == .ok)
            // A refused question is no answered one.
            #expect(try await client.execute(uri: "/v1/dispatch?pzc=4217&lat=54.63&lon=13.22", method: .get, headers: f.headers(.crew)).status != .ok)
            let clock = f.clock
            let service = DispatchUsageService(counter: f.api.dispatchUsage, store: f.store, node: "node-a", now: { clock.now() },
                                               logger: Logger(label: "test"))
            await service.flush(all: false)  // the hour that is over: 3 questions at 10:05
            var written = try await f.store.readStream(StreamID(DispatchQueriesCounted.stream), after: 0)
            #expect(written.count == 1)
            await service.flush(all: true)  // shutting down: the running hour's 1 as well
            written = try await f.store.readStream(StreamID(DispatchQueriesCounted.stream), after: 0)
            let counts = try written.map { try JSONDecoder().decode(DispatchQueriesCounted.self, from: $0.payload) }
            #expect(counts.map(\.queries) == [3, 1] && counts.map(\.hourStart) == [Timestamp(iso8601: "2026-11-23T10:00:00Z")!, Timestamp(iso8601: "2026-11-23T11:00:00Z")!])
            #expect(counts.allSatisfy { $0.node == "node-a" })

            let period = "from=2026-11-23T00:00:00Z&to=2026-11-23T12:00:00Z"
            let all = try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.admin))
            let perHour = all.json["dispatchQueriesPerHour"] as? [Int] ?? []
            // German time: 10:00 UTC is 11 Uhr, 11:00 UTC is 12 Uhr.
            #expect(perHour.count == 24 && perHour[11] == 3 && perHour[12] == 1 && perHour.reduce(0, +) == 4, "\(perHour)")
            let district = try await client.execute(uri: "/v1/statistics?\(period)", method: .get, headers: f.headers(.dispatcher))
            #expect(district.json["dispatchQueriesPerHour"] is NSNull || district.json["dispatchQueriesPerHour"] == nil)
        }
    }
}
