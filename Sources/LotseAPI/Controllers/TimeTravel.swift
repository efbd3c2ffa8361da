import Hummingbird
import LotseCapacity
import LotseDomain

extension Request {
    /// The `asOf` query parameter: an ISO 8601 time (time travel), or nil.
    func asOf() throws -> Timestamp? { try query("asOf") { Timestamp(iso8601: $0) } }
}

extension CapacityProjector {
    /// The index now, or as it was at `asOf` (from the time-travel checkpoints); a moment after `now` is refused with
    /// 422 naming `asOf`.
    func index(asOf: Timestamp?, now: Timestamp) async throws -> CapacityIndex {
        guard let asOf else { return snapshot }
        guard asOf <= now else { throw Problem.unprocessable("„asOf“ liegt in der Zukunft", field: "asOf") }
        return try await index(asOf: asOf)
    }
}
