import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

@Suite struct SSETests {
    @Test func changesArriveLiveAndAStreamResumesFromLastEventID() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let port = try #require(client.port)
            let head = try await f.store.head()
            let auth = ["Authorization": "Bearer \(f.tokens[.dispatcher]!)"]
            let live = try RawHTTPStream(port: port, path: "/v1/events", headers: auth)
            let opened = await live.read { $0.contains("Lotse-Ereignisse ab Position") }
            #expect(opened.hasPrefix("HTTP/1.1 200") && opened.contains("text/event-stream"))

            let closure = try await client.execute(
                uri: "/v1/hospitals/772096/resources/stroke-unit/closure", method: .put, headers: f.headers(.hospital),
                body: body(#"{"reason":"Personalmangel","until":"2026-11-23T12:30:00Z"}"#))
            let beds = try await client.execute(
                uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital), body: body(#"{"beds":{"normal":{"free":2,"operable":40}}}"#))
            #expect(closure.status == .ok && beds.status == .ok)

            let text = await live.read { RawHTTPStream.ids(in: $0).count >= 2 }
            #expect(RawHTTPStream.ids(in: text) == [Int(head) + 1, Int(head) + 2])
            #expect(text.contains("event: ResourceClosed") && text.contains("\"principal\":\"hospital:test-hospital\""))
            #expect(text.contains("event: BedCountsReported"))

            // Resume after the first: only the second comes again, then new ones.
            let resumed = try RawHTTPStream(port: port, path: "/v1/events", headers: auth.merging(["Last-Event-ID": String(head + 1)]) { $1 })
            let again = await resumed.read { RawHTTPStream.ids(in: $0).count >= 1 }
            #expect(RawHTTPStream.ids(in: again) == [Int(head) + 2])
            // `?after=` does the same.
            let after = try RawHTTPStream(port: port, path: "/v1/events?after=\(head)", headers: auth)
            let afterText = await after.read { RawHTTPStream.ids(in: $0).count >= 2 }
            #expect(RawHTTPStream.ids(in: afterText) == [Int(head) + 1, Int(head) + 2])
        }
    }

    /// A token cannot tie up the server with streams: at most `maxStreamsPerPrincipal` at once (429 beyond), a slot
    /// comes back when its stream ends, and other principals are not affected.
    @Test func openStreamsPerPrincipalAreLimited() async throws {
        let f = try await APIFixture.make(maxStreams: 2)
        try await f.run { client in
            let port = try #require(client.port)
            let auth = ["Authorization": "Bearer \(f.tokens[.crew]!)"]
            var first: RawHTTPStream? = try RawHTTPStream(port: port, path: "/v1/events", headers: auth)
            let second = try RawHTTPStream(port: port, path: "/v1/events", headers: auth)
            for s in [first!, second] { #expect(await s.read { $0.contains("Lotse-Ereignisse") }.hasPrefix("HTTP/1.1 200")) }
            let third = try RawHTTPStream(port: port, path: "/v1/events", headers: auth)
            let refused = await third.read { $0.contains("}") }
            #expect(refused.hasPrefix("HTTP/1.1 429") && refused.contains("application/problem+json") && refused.contains("Retry-After"), "\(refused)")
            let other = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(f.tokens[.admin]!)"])
            #expect(await other.read { $0.contains("Lotse-Ereignisse") }.hasPrefix("HTTP/1.1 200"))
            // The first client leaves; the server notices at its next write and gives the slot back.
            first = nil
            var reopened = false
            for n in 1...50 where !reopened {
                _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                             body: body(#"{"beds":{"normal":{"free":\#(n),"operable":40}}}"#))
                let again = try RawHTTPStream(port: port, path: "/v1/events", headers: auth)
                reopened = await again.read { $0.contains("\r\n\r\n") }.hasPrefix("HTTP/1.1 200")
                if !reopened { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(reopened, "the slot of a closed stream did not come back")
            _ = first
        }
    }

    @Test func manyClientsShareOneBroadcastAndAllGetEveryEvent() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let port = try #require(client.port)
            let head = try await f.store.head()
            var streams: [RawHTTPStream] = []
            for i in 0..<40 {
                let role: Role = [.hospital, .dispatcher, .crew, .physician, .admin][i % 5]
                let s = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(f.tokens[role]!)"])
                _ = await s.read { $0.contains("Lotse-Ereignisse") }
                streams.append(s)
            }
            #expect(f.api.broadcasterListeners == 40)
            for n in 1...3 {
                _ = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                             body: body(#"{"beds":{"normal":{"free":\#(n),"operable":40}}}"#))
            }
            for s in streams {
                #expect(RawHTTPStream.ids(in: await s.read { RawHTTPStream.ids(in: $0).count >= 3 }) == [Int(head) + 1, Int(head) + 2, Int(head) + 3])
            }
        }
    }

    @Test func theStreamNeedsAToken() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let port = try #require(client.port)
            let anonymous = try RawHTTPStream(port: port, path: "/v1/events", headers: [:])
            let text = await anonymous.read { $0.contains("\r\n\r\n{") && $0.hasSuffix("}") }
            #expect(text.hasPrefix("HTTP/1.1 401") && text.contains("application/problem+json"))
            for role in Role.allCases {
                let s = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(f.tokens[role]!)"])
                #expect(await s.read { $0.contains("Lotse-Ereignisse") }.hasPrefix("HTTP/1.1 200"), "\(role)")
            }
        }
    }
}
