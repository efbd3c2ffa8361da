import Foundation

/// The rules of an append, in one place for every adapter that decides a batch of appends before it writes:
/// an idempotency key seen before answers with its first result (or is refused for another stream), the expected
/// version is checked against the stream's version, positions continue the head without gaps, and a refused
/// append writes nothing, burns no position and no key.
///
/// Pure: the adapter supplies what it read (head, stream versions, stored keys) and writes what the plan says.
public struct AppendPlan: Sendable {
    /// One outcome per request, in order.
    public internal(set) var results: [Result<AppendResult, EventStoreError>] = []
    /// The events to write, positions `headBefore + 1 …` in order.
    public internal(set) var events: [RecordedEvent] = []
    /// The idempotency keys to record with the first result.
    public internal(set) var keys: [(key: String, stream: StreamID, result: AppendResult)] = []
    /// The head after the plan is written.
    public internal(set) var head: Int64
    /// The stream versions after the plan is written (those it read, updated by the plan).
    public internal(set) var versions: [StreamID: Int64]
    /// The chain's hash of each event in `events` (`EventChain`), stored beside it.
    public internal(set) var hashes: [Data] = []
    /// The chain's hash after the plan is written (the head's).
    public internal(set) var chainHash: Data

    /// Plans `requests` in order on top of a log at `head`.
    /// - Parameters:
    ///   - versions: the current version of every stream the requests name (missing: 0, no stream).
    ///   - storedKeys: the first results of the idempotency keys the requests carry, where stored.
    ///   - previousHash: the chain's hash at `head`.
    public init(_ requests: [AppendRequest], head: Int64, versions: [StreamID: Int64], storedKeys: [String: (StreamID, AppendResult)],
                previousHash: Data) {
        self.head = head
        self.versions = versions
        chainHash = previousHash
        results.reserveCapacity(requests.count)
        var seenKeys = storedKeys
        for r in requests {
            if let key = r.idempotencyKey, let (stream, first) = seenKeys[key] {
                results.append(stream == r.stream ? .success(first.asDeduplicated()) : .failure(.idempotencyKeyReused(key: key)))
                continue
            }
            let current = self.versions[r.stream] ?? 0
            do {
                try ExpectedVersion.check(r.expectedVersion, actual: current, stream: r.stream)
            } catch let refused as EventStoreError {
                results.append(.failure(refused))
                continue
            } catch {
                results.append(.failure(.storage("\(error)")))
                continue
            }
            let first = self.head + 1
            for (i, e) in r.events.enumerated() {
                self.head += 1
                let recorded = RecordedEvent(
                    position: self.head, stream: r.stream, streamVersion: current + Int64(i) + 1, type: e.type,
                    schemaVersion: e.schemaVersion, payload: e.payload, metadata: e.metadata)
                chainHash = EventChain.link(chainHash, recorded)
                events.append(recorded)
                hashes.append(chainHash)
            }
            let version = current + Int64(r.events.count)
            if !r.events.isEmpty { self.versions[r.stream] = version }
            let result = AppendResult(
                streamVersion: version, firstPosition: r.events.isEmpty ? self.head : first, lastPosition: self.head, deduplicated: false)
            if let key = r.idempotencyKey {
                keys.append((key, r.stream, result))
                seenKeys[key] = (r.stream, result)
            }
            results.append(.success(result))
        }
    }
}
