import LotseDomain
import LotseEventStore

/// When each Telenotarzt consultation was closed (ended, cancelled, or handed to a physical Notarzt): the start of
/// the retention period of its personal fields. Open consultations are not in the answer.
public enum TNARetention {
    public static func closedCases(in store: any EventStore, codec: TNAEventCodec = TNAEventCodec()) async throws -> [String: Timestamp] {
        var closed: [String: Timestamp] = [:]
        for r in try await store.readStream(TNAService.stream) {
            switch try codec.decode(r) {
            case let .ended(id, _, _, at)?, let .cancelled(id, _, at)?, let .escalated(id, at)?: closed[id.rawValue] = at
            case let .requested(request, _)?: closed[request.id.rawValue] = nil
            default: break
            }
        }
        return closed
    }
}
