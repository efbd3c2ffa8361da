import ArgumentParser
import Foundation
import LotseEventStore
import LotseSQLite

/// Appends synthetic events straight to the store and prints each acknowledged one (`ack POSITION STREAM VERSION`),
/// flushed at once. A test tool of the store's contract, not a command path: the durability test kills this
/// process with SIGKILL mid-stream and checks every ack survived.
@main
struct AppendLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lotse-append-load", abstract: "Testhilfe: schreibt synthetische Ereignisse und meldet jede Bestätigung.")
    @Option var db: String
    @Option var count: Int = 100_000
    @Option var writers: Int = 8
    @Option(help: "Events per append (all or nothing).") var batch: Int = 1

    func run() async throws {
        let store = try SQLiteEventStore(path: db)
        let out = FileHandle.standardOutput
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let stream = StreamID("load-\(w)")
                    var version = try await store.readStream(stream).last?.streamVersion ?? 0
                    for _ in 0..<(count / writers) {
                        let events = (1...batch).map { i in
                            EventData(
                                type: "LoadTest", schemaVersion: 1, payload: Data("{\"writer\":\(w),\"n\":\(version + Int64(i))}".utf8),
                                metadata: Data("{}".utf8))
                        }
                        let r = try await store.append(events, to: stream, expectedVersion: .exact(version), idempotencyKey: nil)
                        version = r.streamVersion
                        out.write(Data("ack \(r.lastPosition) \(stream) \(r.streamVersion)\n".utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
        store.close()
    }
}
