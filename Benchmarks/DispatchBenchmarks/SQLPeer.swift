import CSQLite
import LotseCapacity
import LotseDispatch
import LotseDomain

/// The peer: the same ranking (capable → suitable now → great-circle drive time × detour → score with the
/// limited penalty → order by score, drive, id → limit) as one SQL query over SQLite (in memory, math
/// functions of Debian's SQLite). It returns the candidate ids and scores only; it builds no explanations.
///
/// `@unchecked Sendable`: used by one benchmark at a time, never concurrently.
final class SQLPeer: @unchecked Sendable {
    let db: OpaquePointer
    let query: OpaquePointer

    init(index: CapacityIndex) throws {
        var handle: OpaquePointer?
        guard sqlite3_open(":memory:", &handle) == SQLITE_OK, let handle else { throw PeerError("open") }
        db = handle
        try Self.exec(db, """
            CREATE TABLE hospitals (slot INTEGER PRIMARY KEY, id TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
                                    stufe INTEGER NOT NULL, profile INTEGER NOT NULL);
            CREATE TABLE status (slot INTEGER NOT NULL, bit INTEGER NOT NULL, kind TEXT NOT NULL,
                                 since INTEGER NOT NULL, until INTEGER, PRIMARY KEY (slot, bit)) WITHOUT ROWID;
            """)
        try Self.exec(db, "BEGIN")
        for (slot, h) in index.hospitals.enumerated() {
            try Self.exec(db, "INSERT INTO hospitals VALUES (\(slot), '\(h.id)', \(h.position.lat), \(h.position.lon), \(h.notfallstufe), \(h.profile.bits))")
            for k in h.profile {
                switch h.condition(k) {
                case .notReported: break
                case let .reported(s, since):
                    try Self.exec(db, "INSERT INTO status VALUES (\(slot), \(1 << k.index), '\(s.rawValue)', \(since.millis), NULL)")
                case let .closed(_, until, since):
                    try Self.exec(db, "INSERT INTO status VALUES (\(slot), \(1 << k.index), 'closed', \(since.millis), \(until.millis))")
                }
            }
        }
        try Self.exec(db, "COMMIT")
        // ?1 lat (rad) ?2 lon (rad) ?3 required bits ?4 min stufe ?5 now ms ?6 ttl ms ?7 popcount(required)
        // ?8 detour ?9 speed km/h ?10 limited penalty min ?11 limit
        let sql = """
            WITH capable AS (
              SELECT h.slot, h.id,
                2 * 6371.0088 * asin(min(1, sqrt(pow(sin((radians(h.lat) - ?1) / 2), 2)
                    + cos(?1) * cos(radians(h.lat)) * pow(sin((radians(h.lon) - ?2) / 2), 2)))) * ?8 / ?9 * 60 AS drive,
                (SELECT count(*) FROM status s WHERE s.slot = h.slot AND (s.bit & ?3) != 0 AND (
                    (s.kind IN ('available', 'limited') AND s.since > ?5 - ?6)
                    OR (s.kind = 'closed' AND s.until <= ?5 AND s.until > ?5 - ?6))) AS taking,
                (SELECT count(*) FROM status s WHERE s.slot = h.slot AND (s.bit & ?3) != 0
                    AND s.kind = 'limited' AND s.since > ?5 - ?6) AS limited
              FROM hospitals h
              WHERE (h.profile & ?3) = ?3 AND h.stufe >= ?4)
            SELECT id, drive + limited * ?10 AS score FROM capable WHERE taking = ?7
            ORDER BY score, drive, id LIMIT ?11
            """
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw PeerError(String(cString: sqlite3_errmsg(db)))
        }
        query = stmt
    }

    /// The ids of the suitable hospitals by score.
    func rank(_ q: DispatchQuery, requirement: Requirement, parameters: DispatchParameters, at now: Timestamp) -> [String] {
        let required = requirement.resources(forAge: q.age).required
        sqlite3_reset(query)
        sqlite3_bind_double(query, 1, q.position.lat * .pi / 180)
        sqlite3_bind_double(query, 2, q.position.lon * .pi / 180)
        sqlite3_bind_int64(query, 3, Int64(required.bits))
        sqlite3_bind_int64(query, 4, Int64(requirement.minNotfallstufe))
        sqlite3_bind_int64(query, 5, now.millis)
        sqlite3_bind_int64(query, 6, Int64(parameters.statusTTLMinutes * 60_000))
        sqlite3_bind_int64(query, 7, Int64(required.count))
        sqlite3_bind_double(query, 8, parameters.detourFactor)
        sqlite3_bind_double(query, 9, parameters.speedKmh(q.urgency))
        sqlite3_bind_double(query, 10, parameters.limitedPenaltyMinutes)
        sqlite3_bind_int64(query, 11, Int64(q.limit))
        var ids: [String] = []
        while sqlite3_step(query) == SQLITE_ROW {
            ids.append(String(cString: sqlite3_column_text(query, 0)))
        }
        return ids
    }

    static func exec(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw PeerError(String(cString: sqlite3_errmsg(db))) }
    }
}

struct PeerError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
