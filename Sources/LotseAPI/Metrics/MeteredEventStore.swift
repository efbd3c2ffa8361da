import LotseEventStore

/// Counts appended events by type for `/metrics`; everything else is passed through.
final class MeteredEventStore: EventStore {
    let base: any EventStore
    let metrics: LotseMetrics

    init(_ base: any EventStore, metrics: LotseMetrics) {
        self.base = base
        self.metrics = metrics
    }

    func append(_ events: [EventData], to stream: StreamID, expectedVersion: ExpectedVersion, idempotencyKey: String?) async throws -> AppendResult {
        let r = try await base.append(events, to: stream, expectedVersion: expectedVersion, idempotencyKey: idempotencyKey)
        if !r.deduplicated {
            // The counters are made once per type: counting event by event needs no grouping first.
            for e in events { metrics.appended(e.type, count: 1) }
        }
        return r
    }

    func read(after position: Int64, limit: Int) async throws -> [RecordedEvent] { try await base.read(after: position, limit: limit) }
    // Forwarded, not left to the protocol's default (a read and a copy of every payload): the rebuild scans through here.
    func scan<T>(after position: Int64, limit: Int, _ transform: (ScannedEvent) throws -> T) async throws -> [T] {
        try await base.scan(after: position, limit: limit, transform)
    }
    func readStream(_ stream: StreamID, after version: Int64) async throws -> [RecordedEvent] { try await base.readStream(stream, after: version) }
    func readStream(_ stream: StreamID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, after: version, limit: limit)
    }
    func idempotentResult(for key: String) async throws -> (StreamID, AppendResult)? { try await base.idempotentResult(for: key) }
    func head() async throws -> Int64 { try await base.head() }
    func subscribe(after position: Int64) -> EventSubscription { base.subscribe(after: position) }
    var status: StoreStatus { base.status }
}
