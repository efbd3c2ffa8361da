import Foundation
import LotseEventStore
import LotseSQLite
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An acknowledged append survives `kill -9` of the process (DESIGN §7), twice in a row on the same file.
@Suite struct DurabilityTests {
    struct Ack: Hashable {
        let position: Int64
        let stream: String
        let version: Int64
    }

    /// Starts `lotse-append-load`, reads acknowledgements until `acksBeforeKill`, sends SIGKILL, and returns every
    /// acknowledgement the child printed before it died.
    func runAndKill(db: String, acksBeforeKill: Int) throws -> (acks: [Ack], killed: Bool) {
        let p = Process()
        p.executableURL = CLIRunner.executable("lotse-append-load")
        p.arguments = ["--db", db, "--count", "10000000", "--writers", "8", "--batch", "3"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let handle = pipe.fileHandleForReading
        var buffer = Data()
        var acks: [Ack] = []
        var killed = false
        func parse() {
            while let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                let f = line.split(separator: " ")
                if f.count == 4, f[0] == "ack", let pos = Int64(f[1]), let v = Int64(f[3]) {
                    acks.append(Ack(position: pos, stream: String(f[2]), version: v))
                }
            }
        }
        while true {
            let d = handle.availableData
            if d.isEmpty { break }
            buffer.append(d)
            parse()
            if !killed, acks.count >= acksBeforeKill {
                kill(p.processIdentifier, SIGKILL)
                killed = true
            }
        }
        p.waitUntilExit()
        return (acks, killed && p.terminationReason == .uncaughtSignal)
    }

    @Test func acknowledgedAppendsSurviveKill9() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("kill.sqlite").path
        var allAcks: [Ack] = []
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
