import Foundation
import LotseEventStore

/// Copies a whole log (positions, streams, versions, payloads, metadata) into a new SQLite file, with the hash
/// chain computed as the store computes it, in transactions of many events — for a log made elsewhere that is to be
/// read with Lotse's tools (the simulator's year for `lotse stats`, `lotse verify`). Idempotency keys are not copied.
public enum SQLiteLogCopy {
    /// - Returns: the number of events copied.
    @discardableResult
    public static func copy(from source: any EventStore, toNewFile path: String, pageSize: Int = 10_000,
                            progress: ((Int64) -> Void)? = nil) async throws -> Int64 {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw EventStoreError.storage("\(path) gibt es schon – eine Kopie schreibt nur in eine neue Datei / file exists")
        }
        // Schema, WAL, the chain's anchor at position 1: as every new log.
        let fresh = try SQLiteEventStore(path: path)
        guard fresh.anchor.start == 1 else { throw EventStoreError.storage("neue Datei ohne Anker bei Position 1") }
        fresh.close()
        let c = try SQLiteConnection(path: path)
        try c.exec("PRAGMA journal_mode = WAL")
        try c.exec("PRAGMA synchronous = FULL")
        let insert = try c.prepare(
            SQLiteSchema.insertEvent)
        var hash = EventChain.genesis
        var after: Int64 = 0
        var streamHeads: [StreamID: Int64] = [:]
        while true {
            let page = try await source.read(after: after, limit: pageSize)
            guard let last = page.last else { break }
            try c.exec("BEGIN IMMEDIATE")
            do {
                for e in page {
                    guard e.position == after + 1 else {
                        throw EventStoreError.storage("Quelle: Position \(e.position) nach \(after) – Lücke / gap in the source")
                    }
                    hash = EventChain.link(hash, e)
                    insert.reset()
                    insert.bindEvent(e, previousInStream: streamHeads[e.stream] ?? 0, hash: hash)
                    try insert.step()
                    streamHeads[e.stream] = e.position
                    after = e.position
                }
                try c.exec("COMMIT")
            } catch {
                try? c.exec("ROLLBACK")
                throw error
            }
            after = last.position
            progress?(after)
        }
        return after
    }
}
