import AsyncHTTPClient
import Foundation
import Testing

/// Crypto-shredding end to end: a crew's free text never reaches the log file in clear; `lotse retention apply`
/// erases closed cases only, leaves the log and everything without personal data as it was; a master-key rotation
/// keeps open cases readable.
@Suite struct PersonalDataTests {
    @Test func freeTextIsSealedErasedByRetentionAndReadableAcrossARotation() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lotse.sqlite").path
        let http = HTTP(client: HTTPClient.shared)
        let closedText = "Patientin Erika Mustermann, 68 J., Marcumar", openText = "Offener Fall: Anna Beispiel, Sturz"

        var node = try ServerNode(["--db", db, "--demo"])
        let crew = try #require(node.token(after: "RTW Bergen 1"))
        let admin = try #require(node.token(after: "Betrieb / ÄLRD"))
        func request(_ note: String) async throws -> String {
            let r = try await http.send(.POST, node.base + "/v1/consultations", token: crew, json: """
                {"kind":"crew-advice","priority":2,"district":"Vorpommern-Rügen","unit":"RTW-Bergen-1","note":"\(note)"}
                """)
            #expect(r.status == 201, "\(String(decoding: r.body, as: UTF8.self))")
            return try #require(r.json["consultationId"] as? String)
        }
        func notes() async throws -> [String: String] {
            let r = try await http.send(.GET, node.base + "/v1/units/RTW-Bergen-1/consultations", token: crew)
            #expect(r.status == 200)
            var out: [String: String] = [:]
            for c in r.json["consultations"] as? [[String: Any]] ?? [] {
                let request = (c["consultation"] as? [String: Any])?["request"] as? [String: Any]
                if let id = request?["id"] as? String { out[id] = request?["note"] as? String }
            }
            return out
        }
        let closed = try await request(closedText), open = try await request(openText)
        #expect(try await notes() == [closed: closedText, open: openText])
        let cancel = try await http.send(.POST, node.base + "/v1/consultations/\(closed)/cancellation", token: crew, json: #"{"reason":"Einsatz beendet"}"#)
        #expect(cancel.status == 200)
        node.stop()

        // The log file (and its WAL) hold no free text in clear.
        for file in [db, db + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            #expect(bytes.range(of: Data("Mustermann".utf8)) == nil && bytes.range(of: Data("Beispiel".utf8)) == nil, "\(file)")
        }
        let eventsBefore = try CLIRunner.run(["events", "--db", db, "--limit", "100000"]).stdout
        let hospitalsBefore = try CLIRunner.run(["hospitals", "--db", db]).stdout
        let reportBefore = try CLIRunner.run(["tna-report", "--db", db, "--from", "2020-01-01T00:00:00Z", "--to", "2030-01-01T00:00:00Z"]).stdout

        // A new master key: every case key is re-wrapped, the old key leaves the file.
        let keyFile = db + ".master-key"
        let oldKey = try String(contentsOfFile: keyFile, encoding: .utf8)
        let rotate = try CLIRunner.run(["retention", "rotate-master-key", "--db", db])
        #expect(rotate.status == 0 && rotate.stdout.contains("2 Fallschlüssel neu eingewickelt"), "\(rotate.stdout)\(rotate.stderr)")
        let newKey = try String(contentsOfFile: keyFile, encoding: .utf8)
        #expect(newKey != oldKey && newKey.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 1)

        // Retention: a recent case is kept under a 10-year period; with 0 days the closed case goes, the open one stays.
        let tenYears = try CLIRunner.run(["retention", "apply", "--db", db, "--older-than", "10y"])
        #expect(tenYears.status == 0 && tenYears.stdout.contains("0 Fallschlüssel gelöscht"), "\(tenYears.stdout)\(tenYears.stderr)")
        let now = try CLIRunner.run(["retention", "apply", "--db", db, "--older-than", "0d"])
        #expect(now.status == 0 && now.stdout.contains("1 Fallschlüssel gelöscht") && now.stdout.contains("1 noch offen"), "\(now.stdout)\(now.stderr)")
        #expect(try CLIRunner.run(["retention", "apply", "--db", db, "--older-than", "10x"]).stderr.contains("--older-than"))

        // The log is untouched and verifies; what carries no personal data reads exactly as before.
        #expect(try CLIRunner.run(["events", "--db", db, "--limit", "100000"]).stdout == eventsBefore)
        #expect(try CLIRunner.run(["hospitals", "--db", db]).stdout == hospitalsBefore)
        #expect(try CLIRunner.run(["tna-report", "--db", db, "--from", "2020-01-01T00:00:00Z", "--to", "2030-01-01T00:00:00Z"]).stdout == reportBefore)
        let verify = try CLIRunner.run(["verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stderr)")

        node = try ServerNode(["--db", db])
        defer { node.stop() }
        #expect(try await notes() == [closed: "gelöscht (Aufbewahrungsfrist abgelaufen)", open: openText])
        let detail = try await http.send(.GET, node.base + "/v1/consultations/\(closed)?reason=Auskunftsersuchen", token: admin)
        #expect((detail.json["request"] as? [String: Any])?["note"] as? String == "gelöscht (Aufbewahrungsfrist abgelaufen)")

        // Who saw the closed case: the crew's lists (its own unit) and the admin's detail read with its reason.
        let audit = try CLIRunner.run(["audit", "--db", db, "--case", closed])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("crew:rtw-bergen-1\t/v1/units/{unit}/consultations\teigener Einsatz"), "\(audit.stdout)")
        #expect(audit.stdout.contains("admin:betrieb\t/v1/consultations/{id}\tAuskunftsersuchen"), "\(audit.stdout)")
        let lines = try CLIRunner.run(["audit", "--db", db, "--case", closed, "--json"]).stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })

        // A server given another master key refuses to start rather than show nothing readable.
        let other = dir.appendingPathComponent("other.master-key").path
        let refused = try CLIRunner.run(["serve", "--db", db, "--master-key", other, "--port", "0"])
        #expect(refused.status == 1 && refused.stderr.contains("\(other) passt nicht zu diesem Protokoll"), "\(refused.stderr)")
    }
}
