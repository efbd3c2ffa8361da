import Foundation
import Logging
import LotseCrypto
import LotseEventStore
import NIOCore
import PostgresNIO

/// The hash chain of a PostgreSQL log (`EventChain`): the anchor in `lotse_meta`, the head's hash in `lotse_head`,
/// and the migration of a log of schema version 1 (no hashes): the hash of every event already there is computed
/// once and recorded as the anchor; events from the next position on carry their hash. Old rows are not rewritten.
enum PostgresChain {
    static let startKey = "chain_start"
    static let anchorKey = "chain_anchor"

    /// Records the anchor when the log has none. Runs inside the schema transaction (under its advisory lock), after
    /// the head row is locked, so no node appends while the existing events are hashed.
    static func migrate(_ conn: PostgresConnection, tables: PostgresTables, logger: Logger) async throws {
        if try await anchor(conn, tables: tables, logger: logger) != nil { return }
        let head = try await conn.query(
            PostgresQuery(unsafeSQL: "SELECT position FROM \(tables.head) WHERE id = 1 FOR UPDATE"), logger: logger
        ).collectFirst(Int64.self) ?? 0
        let hashed = try await conn.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(tables.events) WHERE hash IS NOT NULL"), logger: logger
        ).collectFirst(Int64.self) ?? 0
        guard hashed == 0 else {
            throw EventStoreError.storage("lotse_meta: der Anker der Hash-Kette fehlt, obwohl Ereignisse Hashes tragen – Protokoll verändert? lotse verify / chain anchor missing")
        }
        var check = ChainCheck(anchor: ChainAnchor(start: Int64.max, hash: EventChain.genesis))
        var after: Int64 = 0
        while after < head {
            var binds = PostgresBindings()
            binds.append(after)
            binds.append(min(head, after + 10_000))
            let rows = try await conn.query(PostgresQuery(
                unsafeSQL: "SELECT position, stream_id, stream_version, type, schema_version, payload, metadata FROM \(tables.events) WHERE position > $1 AND position <= $2 ORDER BY position",
                binds: binds), logger: logger)
            for try await (position, stream, version, type, schema, payload, metadata) in rows.decode(
                (Int64, String, Int64, String, Int32, ByteBuffer, ByteBuffer).self)
            {
                let e = RecordedEvent(
                    position: position, stream: StreamID(stream), streamVersion: version, type: type, schemaVersion: Int(schema),
                    payload: Data(payload.readableBytesView), metadata: Data(metadata.readableBytesView))
                if let problem = check.check(ChainedEvent(event: e, hash: nil)) {
                    throw EventStoreError.storage("Hash-Kette kann nicht beginnen: \(problem)")
                }
            }
            guard check.head > after else { throw EventStoreError.storage("Hash-Kette kann nicht beginnen: Position \(after + 1) fehlt") }
            after = check.head
        }
        var binds = PostgresBindings()
        binds.append(startKey)
        binds.append("\(head + 1)")
        binds.append(anchorKey)
        binds.append(check.hash.hexString)
        try await conn.query(PostgresQuery(unsafeSQL: "INSERT INTO \(tables.meta) (key, value) VALUES ($1, $2), ($3, $4)", binds: binds), logger: logger)
        var hash = PostgresBindings()
        hash.append(ByteBuffer(bytes: check.hash))
        // The commit counter moves too: a node that cached the head before (an older version) must read it anew.
        try await conn.query(PostgresQuery(unsafeSQL: "UPDATE \(tables.head) SET hash = $1, commits = commits + 1 WHERE id = 1", binds: hash), logger: logger)
        if head > 0 { logger.notice("Hash-Kette: \(head) vorhandene Ereignisse verankert, Kette ab Position \(head + 1)") }
    }

    /// The recorded anchor (nil: not migrated yet).
    static func anchor(_ conn: PostgresConnection, tables: PostgresTables, logger: Logger) async throws -> ChainAnchor? {
        var meta: [String: String] = [:]
        var binds = PostgresBindings()
        binds.append([startKey, anchorKey])
        for try await (k, v) in try await conn.query(
            PostgresQuery(unsafeSQL: "SELECT key, value FROM \(tables.meta) WHERE key = ANY($1)", binds: binds), logger: logger
        ).decode((String, String).self) { meta[k] = v }
        guard let s = meta[startKey] else { return nil }
        guard let start = Int64(s), let hex = meta[anchorKey], let hash = Data(hexString: hex), hash.count == SHA256Digest.byteCount else {
            throw EventStoreError.storage("lotse_meta: Anker der Hash-Kette unlesbar / chain anchor unreadable")
        }
        return ChainAnchor(start: start, hash: hash)
    }
}
