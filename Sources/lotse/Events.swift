import ArgumentParser
import Foundation
import LotseCapacity
import LotseEventStore

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Zeigt das Ereignisprotokoll ab einer Position.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Nur Ereignisse nach dieser Position.") var after: Int64 = 0
    @Option(help: "Höchstens so viele Ereignisse.") var limit: Int = 1000

    func run() async throws {
        try await guarded {
            guard after >= 0 else { throw CLIError("--after muss ≥ 0 sein / --after must be ≥ 0") }
            guard limit > 0 else { throw CLIError("--limit muss ≥ 1 sein / --limit must be ≥ 1") }
            let log = try await store.openExisting()
            defer { log.close() }
            let s = log.store
            let codec = LotseEventCodec()
            // In pages, so a long log is printed as it is read (and no single read runs long).
            var last = after, left = limit
            while left > 0 {
                let page = try await s.read(after: last, limit: min(left, 10_000))
                guard let tail = page.last else { break }
                for r in page {
                    let m = codec.metadata(of: r)
                    let payload = String(decoding: r.payload, as: UTF8.self)
                    print("\(r.position)\t\(r.stream)@\(r.streamVersion)\t\(r.type)/v\(r.schemaVersion)\t\(m?.principal ?? "-")\t\(payload)")
                }
                last = tail.position
                left -= page.count
            }
        }
    }
}

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Baut den Kapazitätsindex aus dem Protokoll neu auf und misst die Zeit.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Danach einen Snapshot speichern (schnellerer Start).") var snapshot = false
    @Flag(help: "Einen vorhandenen Snapshot nutzen.") var useSnapshot = false

    func run() async throws {
        try await guarded {
            let log = try await store.openExisting()
            defer { log.close() }
            let s = log.store
            let projector = CapacityProjector(store: s)
            let stats = try await projector.rebuild(snapshots: useSnapshot ? log.snapshots : nil)
            let index = projector.snapshot
            var perType: [String: Int] = [:]
            if !useSnapshot {
                var after: Int64 = 0
                while true {
                    let page = try await s.read(after: after, limit: 8192)
                    guard let last = page.last else { break }
                    for r in page { perType[r.type, default: 0] += 1 }
                    after = last.position
                }
            }
            print("Neuaufbau: \(stats.eventsRead) Ereignisse gelesen in \(String(format: "%.3f", stats.seconds)) s"
                + (stats.fromSnapshotPosition.map { " (ab Snapshot bei Position \($0))" } ?? "")
                + (stats.ignoredSnapshot.map { " (Snapshot nicht genutzt: \($0))" } ?? "")
                + " – Log-Position \(stats.position), \(index.hospitals.count) Kliniken.")
            for (t, n) in perType.sorted(by: { $0.key < $1.key }) { print("  \(t): \(n)") }
            if snapshot {
                try await projector.saveSnapshot(to: log.snapshots)
                print("Snapshot bei Position \(index.position) gespeichert.")
            }
        }
    }
}
