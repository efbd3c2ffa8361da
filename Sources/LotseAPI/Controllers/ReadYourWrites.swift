import Hummingbird
import LotseCapacity

extension Request {
    /// The `minPosition` query parameter (read-your-writes): a log position ≥ 0.
    func minPosition() throws -> Int64? { try QueryValues(self).minPosition() }
}

extension QueryValues {
    /// The `minPosition` query parameter (read-your-writes): a log position ≥ 0.
    func minPosition() throws -> Int64? {
        try value("minPosition") { Int64($0).flatMap { $0 >= 0 ? $0 : nil } }
    }
}

extension CapacityProjector {
    /// Waits until the projection has applied `minPosition` (read-your-writes). A position beyond the log's head
    /// (asked of the store, so a write acknowledged by another node counts) is refused at once with 422; a position
    /// that exists but is not applied yet is waited for, at most 5 s, then 503.
    func awaitPosition(_ minPosition: Int64?) async throws {
        guard let minPosition, minPosition > position else { return }
        let head = try await store.head()
        guard minPosition <= head else {
            throw Problem.unprocessable(
                "Log-Position \(minPosition) gibt es nicht: das Protokoll endet bei \(head) / position beyond the log's head", field: "minPosition")
        }
        guard await waitUntil(position: minPosition, timeout: .seconds(5)) else {
            throw Problem(.serviceUnavailable, title: "Noch nicht aktuell",
                          detail: "Log-Position \(minPosition) ist noch nicht angewendet (Stand \(position)) / position not yet applied")
        }
    }
}
