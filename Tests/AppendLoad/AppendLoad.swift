import ArgumentParser
import Foundation
import LotseEventStore
import LotsePostgres
import LotseSQLite

/// Appends synthetic events straight to the store and prints each acknowledged one (`ack POSITION STREAM VERSION`,
/// with `--timestamps` also the Unix time in milliseconds), flushed at once. A test tool of the store's contract, not a
/// command path: the durability test kills this process with SIGKILL mid-stream and checks every ack survived; the
/// failover test (`scripts/failover-test.sh`) kills the PostgreSQL primary under it and checks the same on the
/// promoted standby.
@main
struct AppendLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lotse-append-load", abstract: "Testhilfe: schreibt synthetische Ereignisse und meldet jede Bestätigung.")
    @Option(help: "SQLite file, or a postgres:// URL.") var db: String
    @Option var count: Int = 100_000
    @Option var writers: Int = 8
    @Option(help: "Events per append (all or nothing).") var batch: Int = 1
    @Flag(help: "Retry an append that failed (same idempotency key) until it is acknowledged (failover tests).") var retry = false
    @Flag(help: "Append the wall-clock time (Unix milliseconds) to every ack line.") var timestamps = false

    func run() async throws {
        let store: any EventStore
        let close: () -> Void
        if PostgresStoreURL.isPostgres(db) {
            let s = try await PostgresEventStore.open(try PostgresStoreURL(db))
            store = s
            close = { s.close() }
        } else {
            let s = try SQLiteEventStore(path: db)
            store = s
            close = { s.close() }
        }
        let out = FileHandle.standardOutput
        let retry = self.retry, timestamps = self.timestamps, count = self.count, writers = self.writers, batch = self.batch
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
                        let key = "\(stream)-\(version)"
                        var r: AppendResult?
                        while r == nil {
                            do {
                                r = try await store.append(events, to: stream, expectedVersion: .exact(version), idempotencyKey: key)
                            } catch EventStoreError.storage where retry {
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        version = r!.streamVersion
                        let t = timestamps ? " \(Int64(Date().timeIntervalSince1970 * 1000))" : ""
                        out.write(Data("ack \(r!.lastPosition) \(stream) \(r!.streamVersion)\(t)\n".utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
        close()
    }
}
