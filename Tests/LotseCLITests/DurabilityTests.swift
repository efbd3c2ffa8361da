import Foundation
import LotseEventStore
import LotseSQLite
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An acknowledged append survives `kill -9` of the process (DESIGN §7), twice in a row on the same file.
@Suite struct DurabilityTests {
    /// Starts `lotse-append-load`, reads acknowledgements until `acksBeforeKill`, sends SIGKILL, and returns every
    /// acknowledgement the child printed before it died.
    func runAndKill(db: String, acksBeforeKill: Int) throws -> (acks: [AppendLoadRun.Ack], killed: Bool) {
        let load = try AppendLoadRun(db: db)
        var acks = load.acks { $0.count >= acksBeforeKill }
        let killed = load.kill9()
        acks += load.acks { _ in false }  // what was printed before it died
        return (acks, killed)
    }

    @Test func acknowledgedAppendsSurviveKill9() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("kill.sqlite").path
        var allAcks: [AppendLoadRun.Ack] = []
        for round in 1...2 {
            let (acks, killed) = try runAndKill(db: db, acksBeforeKill: 1500 * round)
            #expect(killed, "the child must die by SIGKILL mid-stream")
            allAcks += acks
        }
        #expect(allAcks.count >= 3000)

        let store = try SQLiteEventStore(path: db)
        defer { store.close() }
        var events: [RecordedEvent] = []
        while true {
            let page = try await store.read(after: events.last?.position ?? 0, limit: 10_000)
            if page.isEmpty { break }
            events += page
        }
        // Gap-free positions.
        #expect(events.map(\.position) == (1...Int64(events.count)).map { $0 })
        // Every acknowledged append is there, with the acknowledged stream and version.
        let byPosition = Dictionary(uniqueKeysWithValues: events.map { ($0.position, $0) })
        let missing = allAcks.filter { a in
            guard let e = byPosition[a.position] else { return true }
            return e.stream.rawValue != a.stream || e.streamVersion != a.version
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
        // Appends are atomic: each stream holds whole appends of 3, versions 1…n, payload n == version.
        for (stream, es) in Dictionary(grouping: events, by: \.stream) {
            #expect(es.count % 3 == 0, "partial append in \(stream)")
            #expect(es.map(\.streamVersion) == (1...Int64(es.count)).map { $0 })
            for e in es { #expect(String(decoding: e.payload, as: UTF8.self).hasSuffix("\"n\":\(e.streamVersion)}")) }
        }
    }
}
