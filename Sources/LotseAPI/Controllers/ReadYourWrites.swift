import LotseCapacity

extension CapacityProjector {
    /// Waits until the projection has applied `minPosition` (read-your-writes); 503 when it does not within 5 s.
    func awaitPosition(_ minPosition: Int64?) async throws {
        guard let minPosition, minPosition > 0 else { return }
        guard await waitUntil(position: minPosition, timeout: .seconds(5)) else {
            throw Problem(.serviceUnavailable, title: "Noch nicht aktuell",
                          detail: "Log-Position \(minPosition) ist noch nicht angewendet (Stand \(position)) / position not yet applied")
        }
    }
}
