import LotseDomain
import LotseEventStore

extension CapacityIndex {
    /// Reads the log after `position` up to its head and applies every event — a rebuild from an empty index or a
    /// snapshot, and the catch-up of a reader that is behind. Returns how many events it read.
    @discardableResult
    public mutating func catchUp(from store: any EventStore, codec: LotseEventCodec, pageSize: Int = 4096) async throws -> Int {
        var read = 0
        while true {
            let page = try await store.read(after: position, limit: pageSize)
            if page.isEmpty { return read }
            read += page.count
            for r in page { apply(try codec.decodeAny(r), at: r.position) }
        }
    }
}
