import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `lotse-append-load` started by a test (8 writers, appends of 3 events): its acknowledgements as it prints them.
final class AppendLoadRun {
    struct Ack: Hashable {
        let position: Int64
        let stream: String
        let version: Int64
    }

    let process = Process()
    private let handle: FileHandle
    private var buffer = Data()

    init(db: String) throws {
        process.executableURL = CLIRunner.executable("lotse-append-load")
        process.arguments = ["--db", db, "--count", "10000000", "--writers", "8", "--batch", "3"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        handle = pipe.fileHandleForReading
        try process.run()
    }

    deinit { kill9() }

    /// Reads acknowledgements (`ack <position> <stream> <version>`) until `enough` holds for those read in this call,
    /// or the output ends.
    func acks(until enough: ([Ack]) -> Bool) -> [Ack] {
        var out: [Ack] = []
        while !enough(out) {
            let d = handle.availableData
            if d.isEmpty { break }
            buffer.append(d)
            while let nl = buffer.firstIndex(of: 0x0A) {
                let f = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self).split(separator: " ")
                buffer.removeSubrange(buffer.startIndex...nl)
                if f.count == 4, f[0] == "ack", let p = Int64(f[1]), let v = Int64(f[3]) { out.append(Ack(position: p, stream: String(f[2]), version: v)) }
            }
        }
        return out
    }

    /// SIGKILL, and wait for the process; true when it died of the signal.
    @discardableResult
    func kill9() -> Bool {
        guard process.isRunning else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }
}
