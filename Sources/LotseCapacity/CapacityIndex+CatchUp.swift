import LotseDomain
import LotseEventStore

extension CapacityIndex {
    /// Reads the log after `position` up to its head and applies every event — a rebuild from an empty index or a
    /// snapshot, and the catch-up of a reader that is behind. With `include` (the index of a past moment), only the
    /// capacity events it accepts are applied; everything else is left out, position included. Returns how many
    /// events it read.
    @discardableResult
    public mutating func catchUp(from store: any EventStore, codec: LotseEventCodec, pageSize: Int = 4096,
                                 include: ((LotseEvent) -> Bool)? = nil) async throws -> Int {
        var read = 0
        var after = position
        while true {
            let page = try await store.read(after: after, limit: pageSize)
            guard let last = page.last else { return read }
            read += page.count
            for r in page {
                let e = try codec.decodeAny(r)
                if let include {
                    guard let e, include(e) else { continue }
                }
                apply(e, at: r.position)
            }
            after = last.position
        }
    }
}
