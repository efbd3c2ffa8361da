import Foundation
import Testing

/// Settings in one place: a flag wins over the environment, which wins over the configuration file; every key is
/// documented in Docs/OPERATIONS.md; a file with a typo is refused.
@Suite struct SettingsTests {
    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fromFile, fromEnv, fromFlag) = (dir.appendingPathComponent("file.sqlite").path, dir.appendingPathComponent("env.sqlite").path,
                                             dir.appendingPathComponent("flag.sqlite").path)
        for db in [fromFile, fromEnv, fromFlag] { #expect(try CLIRunner.run(["seed", "--db", db, "--demo"]).status == 0) }
        let config = dir.appendingPathComponent("lotse.json").path
        try #"{"db": "\#(fromFile)", "rateLimit": 50, "devSecret": "nicht-zeigen-0123456789abcdef"}"#.write(toFile: config, atomically: true, encoding: .utf8)

        func verifiedLog(_ args: [String], _ env: [String: String] = [:]) throws -> String {
            let r = try CLIRunner.run(["verify"] + args, environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        }
        #expect(try verifiedLog(["--config", config]).contains(fromFile))
        #expect(try verifiedLog([], ["LOTSE_CONFIG": config]).contains(fromFile))
        #expect(try verifiedLog(["--config=\(config)"], ["LOTSE_DB": fromEnv]).contains(fromEnv))
        #expect(try verifiedLog(["--config", config, "--db", fromFlag], ["LOTSE_DB": fromEnv]).contains(fromFlag))

        let shown = try CLIRunner.run(["config", "--config", config], environment: ["LOTSE_MAX_STREAMS": "3"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("rateLimit\tLOTSE_RATE_LIMIT\t50\tDatei") && shown.stdout.contains("maxStreams\tLOTSE_MAX_STREAMS\t3\tUmgebung"))
        #expect(shown.stdout.contains("devSecret\tLOTSE_DEV_SECRET\t(gesetzt)") && !shown.stdout.contains("nicht-zeigen"))

        try #"{"prot": 8080}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let typo = try CLIRunner.run(["verify", "--config", config, "--db", fromFlag])
        #expect(typo.status == 1 && typo.stderr.contains("unbekannter Schlüssel „prot“"), "\(typo.stderr)")
        try #"{"port": true}"#.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["verify", "--config", config]).stderr.contains("Texten oder Zahlen"))
        #expect(try CLIRunner.run(["verify", "--config", dir.appendingPathComponent("missing.json").path]).stderr.contains("nicht lesbar"))
    }

    @Test func everyKeyIsDocumentedInOperations() throws {
        let keys = try CLIRunner.run(["config"]).stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
        #expect(keys.count >= 20)
        let doc = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Docs/OPERATIONS.md"), encoding: .utf8)
        let table = doc.components(separatedBy: "## Configuration").dropFirst().first?.components(separatedBy: "\n## ").first ?? ""
        let documented = table.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
        #expect(Set(documented) == Set(keys), "documented \(Set(documented).symmetricDifference(Set(keys)))")
    }
}
