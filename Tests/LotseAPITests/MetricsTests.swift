import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseTokens
import Testing

@Suite struct MetricsTests {
    @Test func metricsCountRequestsEventsLagAndSubscribers() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let port = try #require(client.port)
            let stream = try RawHTTPStream(port: port, path: "/v1/events", headers: ["Authorization": "Bearer \(f.tokens[.crew]!)"])
            _ = await stream.read { $0.contains("Lotse-Ereignisse") }
            _ = try await client.execute(uri: "/v1/hospitals/772096/resources/stroke-unit/closure", method: .put, headers: f.headers(.hospital),
                                         body: body(#"{"reason":"x","until":"2026-11-23T12:00:00Z"}"#))
            _ = try await client.execute(uri: "/v1/dispatch?pzc=421701&lat=54.63&lon=13.22", method: .get, headers: f.headers(.dispatcher))
            let m = try await client.execute(uri: "/metrics", method: .get, headers: f.headers(.admin))
            #expect(m.status == .ok && (m.headers[.contentType] ?? "").hasPrefix("text/plain"))
            let text = m.text
            #expect(text.contains(#"lotse_events_appended_total{type="ResourceClosed"} 1"#), "\(text)")
            #expect(text.contains(#"lotse_http_request_duration_seconds_count{method="GET",route="/v1/dispatch",status="200"} 1"#))
            #expect(text.contains(#"route="/v1/hospitals/{id}/resources/{resource}/closure""#) || text.contains(#"route="/v1/hospitals/:id/resources/:resource/closure""#))
            #expect(text.contains("lotse_sse_subscribers 1"))
            #expect(text.contains("lotse_projection_lag_events"))
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: f.headers(.dispatcher)).status == .forbidden)
        }
    }
}
