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
        // Reading and decoding are the cost of a long catch-up (a rebuild: ≈ 85 % of it); applying is cheap. So the
        // log is read in pages of position ranges, `(a, a + pageSize]`, each read and decoded by a task of its own
        // while this one applies the page before it in log order: on two cores two pages are decoded at once. A
        // range reads `pageSize` events after `a` and keeps those inside it (with gaps in the positions, fewer). A
        // page that reaches the head ends the catch-up (events appended later belong to the next one); until a
        // page shows the log going on nothing is read ahead, so a short catch-up reads what it would have read anyway.
        precondition(pageSize > 0, "a page holds at least one event")
        let pageSize = min(pageSize, 1 << 30)
        var after = start ?? position
        // Child tasks (not `Task {}`): they inherit the caller's executor preference and cancellation.
        return try await withThrowingTaskGroup(of: (Int64, DecodedPage).self) { group in
            var read = 0
            var ahead: [Int64: DecodedPage] = [:]
            var inFlight: [Int64] = []
            defer { group.cancelAll() }
            while after < end {
                try Task.checkCancellation()
                let page: DecodedPage
                if let i = inFlight.firstIndex(of: after) {
                    while ahead[after] == nil, let (from, p) = try await group.next() { ahead[from] = p }
                    inFlight.remove(at: i)
                    page = ahead.removeValue(forKey: after)!
                } else {
                    page = try await DecodedPage.read(store, codec: codec, after: after, through: min(end, after &+ Int64(pageSize)), limit: pageSize)
                }
                if page.continues {
                    // Keep two pages in flight beyond this one.
                    var next = (inFlight.last ?? after) &+ Int64(pageSize)
                    while inFlight.count < 2, next < end {
                        let from = next
                        group.addTask {
                            (from, try await DecodedPage.read(store, codec: codec, after: from, through: min(end, from &+ Int64(pageSize)), limit: pageSize))
                        }
                        inFlight.append(from)
                        next = next &+ Int64(pageSize)
                    }
                }
                for r in page.records {
                    read += 1
                    if let include {
                        guard let e = r.event, include(e) else { continue }
                    }
                    apply(r.event, at: r.position)
                    observe?(r.event, self)
                }
                guard page.continues else { return read }
                after = min(end, after &+ Int64(pageSize))
            }
            return read
        }
    }
}

/// A page of the log read and decoded (off the task that applies it).
struct DecodedPage: Sendable {
    /// The events in log order, each decoded where the store read it (nil: a type the index does not apply).
    var records: [(position: Int64, event: LotseEvent?)] = []
    /// Whether the log may go on after the page's range: the page was full, or an event beyond its end was seen;
    /// false when a read came back empty (the head).
    var continues = false

    /// The events in `(after, through]`. A store may answer fewer than `limit` events before its head (PostgreSQL's
    /// window of a node's own recent commits ends where another node's begin), so a short read is read on after its
    /// last event; only an empty read means the head.
    static func read(_ store: any EventStore, codec: LotseEventCodec, after: Int64, through: Int64, limit: Int) async throws -> DecodedPage {
        var page = DecodedPage()
        var from = after, count = 0
        while count < limit {
            // Decoded as the store reads them: no copy of payloads, no metadata.
            // Past `through` nothing is decoded (a short stretch of a past moment reads a whole page).
            let records = try await store.scan(after: from, limit: limit - count) {
                (position: $0.position, event: $0.position > through ? nil : try codec.decodeAny($0))
            }
            guard let last = records.last else { return page }  // the head
            count += records.count
            if let beyond = records.firstIndex(where: { $0.position > through }) {
                page.records += records[..<beyond]
                page.continues = true
                return page
            }
            // Most pages are one read: kept as read, not copied.
            if page.records.isEmpty { page.records = records } else { page.records += records }
            from = last.position
        }
        page.continues = true
        return page
    }
}
