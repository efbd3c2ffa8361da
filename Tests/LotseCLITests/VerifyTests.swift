import Foundation
import Testing

/// `lotse verify` proves the log was not altered, and names the first position that was.
@Suite struct VerifyTests {
    /// Runs the sqlite3 shell on `db` (what an operator — or an attacker — with the file would use).
    func sqlite3(_ db: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db, sql]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aByteAlteredWithTheSQLiteShellIsFoundAndItsPositionNamed() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("log.sqlite").path
        #expect(try CLIRunner.run(["seed", "--db", db, "--demo"]).status == 0)
        #expect(try CLIRunner.run(["replay", "--db", db, "--snapshot"]).status == 0)

        let clean = try CLIRunner.run(["verify", "--db", db])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("in Ordnung") && clean.stdout.contains("stimmt mit dem Neuaufbau überein"), "\(clean.stdout)")
        let head = try #require(clean.stdout.split(separator: "\n").first { $0.contains("Kopf: ") }?.split(separator: " ").last.map(String.init))
        #expect(try CLIRunner.run(["verify", "--db", db, "--expect-head", head]).status == 0)
        let position = head.split(separator: ":")[0]
        let wrong = try CLIRunner.run(["verify", "--db", db, "--expect-head", "\(position):" + String(repeating: "ab", count: 32)])
        #expect(wrong.status == 1 && wrong.stderr.contains("Position \(position)"), "\(wrong.stderr)")
        #expect(try CLIRunner.run(["verify", "--db", db, "--expect-head", "12:zz"]).stderr.contains("POSITION:HASH"))

        // One byte of event 57's payload changed: the triggers that keep the log append-only are dropped first.
        let before = try sqlite3(db, "SELECT hex(payload) FROM events WHERE position = 57")
        _ = try sqlite3(db, """
            DROP TRIGGER events_no_update;
            UPDATE events SET payload = CAST(substr(CAST(payload AS TEXT), 1, 10)
                || CASE substr(CAST(payload AS TEXT), 11, 1) WHEN 'x' THEN 'y' ELSE 'x' END
                || substr(CAST(payload AS TEXT), 12) AS BLOB) WHERE position = 57;
            """)
        let after = try sqlite3(db, "SELECT hex(payload) FROM events WHERE position = 57")
        #expect(before.count == after.count && before != after)
        #expect(zip(before, after).filter { $0 != $1 }.count <= 2, "more than one byte changed")

        let altered = try CLIRunner.run(["verify", "--db", db])
        #expect(altered.status == 1)
        #expect(altered.stderr.contains("Position 57:") && altered.stderr.contains("Bis Position 56 stimmt alles"), "\(altered.stderr)")
        #expect(!altered.stdout.contains("in Ordnung"))
    }
}
