import Foundation
import LotseEventStore
import LotseSQLite
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lotse backup` while writes go on: the copy verifies and holds every write acknowledged before the backup began.
@Suite struct BackupTests {
    @Test func aBackupTakenUnderLoadHoldsEveryEarlierAcknowledgedWrite() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("live.sqlite").path, copy = dir.appendingPathComponent("copy.sqlite").path
        let load = try AppendLoadRun(db: db)
        let acks = load.acks { $0.count >= 3000 }
        let highest = acks.map(\.position).max() ?? 0
        #expect(acks.count >= 3000)
        // Every position up to the highest acknowledged one is committed (positions are gap-free in commit order).
        let backup = try CLIRunner.run(["backup", "--db", db, "--to", copy])
        #expect(backup.status == 0 && backup.stdout.contains("in Ordnung") && backup.stdout.contains("jeder Hash passt"), "\(backup.stdout) \(backup.stderr)")
        #expect(load.process.isRunning, "the load was still writing during the backup")
        load.kill9()

        let check = try SQLiteBackup.check(copy)
        #expect(check.head >= highest && check.events == check.head, "copy up to \(check.head), acknowledged before \(highest)")
        let original = try SQLiteEventStore(path: db), restored = try SQLiteEventStore(path: copy)
        defer { original.close(); restored.close() }
        let a = try await original.read(after: 0, limit: Int(highest)), b = try await restored.read(after: 0, limit: Int(highest))
        #expect(a.count == Int(highest) && a == b, "the copy differs from the log in its first \(highest) events")

        // Never overwrites; PostgreSQL has its own tools.
        let again = try CLIRunner.run(["backup", "--db", db, "--to", copy])
        #expect(again.status != 0 && again.stderr.contains("gibt es schon"))
        let pg = try CLIRunner.run(["backup", "--store", "postgres://lotse@127.0.0.1:1/lotse", "--to", dir.appendingPathComponent("x").path])
        #expect(pg.status != 0 && pg.stderr.contains("pg_basebackup"))
    }
}
