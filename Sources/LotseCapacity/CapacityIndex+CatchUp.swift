import LotseDomain
import LotseEventStore

extension CapacityIndex {
    /// Reads the log after `position` up to its head and applies every event — a rebuild from an empty index or a
    /// snapshot, and the catch-up of a reader that is behind. With `include` (the index of a past moment), only the
    /// capacity events it accepts are applied; everything else is left out, position included. Returns how many
    /// events it read.
    ///
    /// - Parameters:
    ///   - after: where to start reading (default: `position`; a past moment's fold starts at a checkpoint and
    ///     reads only the stretches of the log that can hold its events).
    ///   - through: the last position to read (default: the head).
    ///   - observe: sees every event right after it was applied, with the index then (the time-travel history).
    @discardableResult
    public mutating func catchUp(from store: any EventStore, codec: LotseEventCodec, pageSize: Int = 4096, after start: Int64? = nil,
                                 through end: Int64 = .max, include: ((LotseEvent) -> Bool)? = nil,
                                 observe: ((LotseEvent?, CapacityIndex) -> Void)? = nil) async throws -> Int {
        var read = 0
        var after = start ?? position
        while after < end {
            try Task.checkCancellation()
            let page = try await store.read(after: after, limit: pageSize)
            guard let last = page.last else { return read }
            for r in page {
                if r.position > end { return read }
                read += 1
                let e = try codec.decodeAny(r)
                if let include {
                    guard let e, include(e) else { continue }
                }
                apply(e, at: r.position)
                observe?(e, self)
            }
            after = last.position
        }
        return read
    }
}
