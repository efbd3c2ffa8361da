import Foundation
import LotseCrypto
import LotseEventStore

/// The hash chain of an SQLite log (`EventChain`): its anchor in `lotse_meta`, and the migration of a log written
/// before the chain existed — the `hash` column is added, the hash of every event already there is computed once
/// and recorded as the anchor, and events from the next position on carry their hash. Old events are not rewritten.
enum SQLiteChain {
    static let startKey = "chain_start"
    static let anchorKey = "chain_anchor"

    /// Reads the anchor, migrating the log first when it has none. Inside `BEGIN IMMEDIATE`, so two processes
    /// opening an old log at once migrate it once.
    static func anchor(_ c: SQLiteConnection) throws -> ChainAnchor {
        if let a = try read(c) {
            try c.exec(requireHash)
            return a
        }
        try c.exec("BEGIN IMMEDIATE")
        do {
            if let a = try read(c) {
                try c.exec("COMMIT")
                return a
            }
            if try !c.columns(of: "events").contains("hash") { try c.exec("ALTER TABLE events ADD COLUMN hash BLOB") }
            // Hashed events without a recorded anchor: the anchor was removed, not a log from before the chain.
            if try c.scalarInt("SELECT count(*) FROM events WHERE hash IS NOT NULL") ?? 0 > 0 {
                throw EventStoreError.storage("lotse_meta: der Anker der Hash-Kette fehlt, obwohl Ereignisse Hashes tragen – Protokoll verändert? lotse verify / chain anchor missing")
            }
            var check = ChainCheck(anchor: ChainAnchor(start: Int64.max, hash: EventChain.genesis))
            let rows = try c.prepare(
                "SELECT \(SQLiteEventStore.eventColumns) FROM events ORDER BY position")
            while try rows.step() {
                let e = SQLiteEventStore.event(rows)
                if let problem = check.check(ChainedEvent(event: e, hash: nil)) {
                    throw EventStoreError.storage("Hash-Kette kann nicht beginnen: \(problem)")
                }
            }
            let anchor = ChainAnchor(start: check.head + 1, hash: check.hash)
            let insert = try c.prepare("INSERT INTO lotse_meta(key, value) VALUES (?, ?)")
            for (k, v) in [(startKey, "\(anchor.start)"), (anchorKey, anchor.hash.hexString)] {
                insert.reset()
                insert.bind(1, k)
                insert.bind(2, v)
                try insert.step()
            }
            try c.exec(requireHash)
            try c.exec("COMMIT")
            return anchor
        } catch {
            try? c.exec("ROLLBACK")
            throw error
        }
    }

    /// From the chain's start on, an event without its hash is refused by the database itself (an older Lotse writing
    /// to this file fails loudly instead of breaking the chain).
    static let requireHash = """
        CREATE TRIGGER IF NOT EXISTS events_need_hash BEFORE INSERT ON events WHEN NEW.hash IS NULL
        BEGIN SELECT RAISE(ABORT, 'events need their chain hash - update Lotse'); END
        """

    private static func read(_ c: SQLiteConnection) throws -> ChainAnchor? {
        guard let start = try c.scalarText("SELECT value FROM lotse_meta WHERE key = '\(startKey)'").flatMap({ Int64($0) }) else { return nil }
        guard let hex = try c.scalarText("SELECT value FROM lotse_meta WHERE key = '\(anchorKey)'"), let hash = Data(hexString: hex),
              hash.count == SHA256Digest.byteCount
        else { throw EventStoreError.storage("lotse_meta: Anker der Hash-Kette unlesbar / chain anchor unreadable") }
        return ChainAnchor(start: start, hash: hash)
    }
}
