import CSQLite
import Foundation
import LotseEventStore

/// A consistent copy of an SQLite log while the server keeps writing: SQLite's online backup API copies every page in
/// one step inside one read transaction (WAL: the writer is not blocked, the copy is the log as of the moment the
/// step began), then the copy is checked on its own.
public enum SQLiteBackup {
    /// What a check of a copy found.
    public struct Check: Sendable, Equatable {
        public let events: Int64
        public let head: Int64
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case destinationExists(String)
        case failed(String)
        case corrupt(String)

        public var description: String {
            switch self {
            case let .destinationExists(p): "\(p) gibt es schon – eine Sicherung überschreibt nichts / destination exists"
            case let .failed(why): "Sicherung fehlgeschlagen: \(why) / backup failed"
            case let .corrupt(why): "Sicherung unbrauchbar: \(why) / backup does not verify"
            }
        }
    }

    /// Copies the log at `source` to the new file `destination` (never overwritten) and checks the copy.
    public static func copy(from source: String, to destination: String) throws(Failure) -> Check {
        guard !FileManager.default.fileExists(atPath: destination) else { throw .destinationExists(destination) }
        do {
            let from = try SQLiteConnection(path: source)
            let to = try SQLiteConnection(path: destination)
            guard let backup = sqlite3_backup_init(to.db, "main", from.db, "main") else { throw Failure.failed(to.errorMessage) }
            // -1: every page in one step — one read transaction, so the copy is one consistent moment of the log.
            let rc = sqlite3_backup_step(backup, -1)
            sqlite3_backup_finish(backup)
            guard rc == SQLITE_DONE else { throw Failure.failed("\(String(cString: sqlite3_errstr(rc))) (\(rc))") }
        } catch let f as Failure {
            try? FileManager.default.removeItem(atPath: destination)
            throw f
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw .failed("\(error)")
        }
        return try check(destination)
    }

    /// Checks a log file on its own: SQLite's integrity check, and positions 1 … head without a gap.
    public static func check(_ path: String) throws(Failure) -> Check {
        do {
            let c = try SQLiteConnection(path: path)
            let integrity = try c.prepare("PRAGMA integrity_check")
            guard try integrity.step(), integrity.text(0) == "ok" else { throw Failure.corrupt("integrity_check: \(integrity.text(0))") }
            let q = try c.prepare("SELECT count(*), coalesce(min(position), 0), coalesce(max(position), 0) FROM events")
            _ = try q.step()
            let (n, first, last) = (q.int(0), q.int(1), q.int(2))
            guard n == 0 || (first == 1 && last == n) else { throw Failure.corrupt("Positionen lückenhaft (\(n) Ereignisse, \(first)…\(last))") }
            return Check(events: n, head: last)
        } catch let f as Failure {
            throw f
        } catch {
            throw .corrupt("\(error)")
        }
    }
}
