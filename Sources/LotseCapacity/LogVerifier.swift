import Foundation
import LotseDomain
import LotseEventStore

/// `lotse verify`: one walk over the log that checks what an operator must be able to prove — positions 1, 2, 3, …
/// without a gap, every event's hash (`ChainCheck`), every event readable, and that the capacity index rebuilt from
/// the log equals the stored snapshot at its position and survives a fresh snapshot unchanged.
public enum LogVerifier {
    /// What the walk found.
    public struct Report: Sendable {
        public var anchor: ChainAnchor
        /// The last position checked and the chain's hash there (record it elsewhere to detect a truncated log later).
        public var head: Int64 = 0
        public var headHash = EventChain.genesis
        public var hospitals = 0
        public var snapshot: SnapshotFinding = .none
        /// The first thing that does not fit; nil: the log verifies.
        public var problem: ChainProblem?
    }

    public enum SnapshotFinding: Sendable, Equatable {
        /// No snapshot stored.
        case none
        /// The stored snapshot equals the index rebuilt up to its position.
        case matches(position: Int64)
        /// Stored in another format (it would be ignored at start, so it cannot mislead).
        case otherFormat(String)
    }

    /// A head recorded earlier (`position:hash`), which the log must still contain.
    public struct ExpectedHead: Sendable, Equatable {
        public let position: Int64
        public let hash: Data

        public init(position: Int64, hash: Data) {
            self.position = position
            self.hash = hash
        }
    }

    /// Walks `store` to its head. `progress` is called with the position every `progressEvery` events.
    public static func verify(
        _ store: any ChainedEventStore, snapshots: (any SnapshotStore)?, format: SnapshotFormat, expecting expected: ExpectedHead? = nil,
        codec: LotseEventCodec = LotseEventCodec(), progressEvery: Int64 = 1_000_000, progress: ((Int64) -> Void)? = nil
    ) async throws -> Report {
        var report = Report(anchor: try await store.chainAnchor())
        // The snapshot first: the walk then always reaches its position (the log only grows).
        var stored: (position: Int64, index: CapacityIndex)?
        if let snapshots, let s = try await snapshots.load(name: CapacityProjector.snapshotName) {
            switch format.decode(s.data) {
            case let .success(index): stored = (s.position, index)
            case let .failure(why): report.snapshot = .otherFormat(why.reason)
            }
        }
        var check = ChainCheck(anchor: report.anchor)
        var index = CapacityIndex()
        func compareSnapshot() -> ChainProblem? {
            guard let s = stored, s.position == index.position else { return nil }
            stored = nil
            guard s.index == index else {
                return ChainProblem(position: s.position, reason: "der gespeicherte Snapshot weicht vom Neuaufbau aus dem Protokoll ab / snapshot differs from the rebuild")
            }
            report.snapshot = .matches(position: s.position)
            return nil
        }
        func finish(_ problem: ChainProblem?) -> Report {
            report.problem = problem
            report.head = check.head
            report.headHash = check.hash
            report.hospitals = index.hospitals.count
            return report
        }
        if let p = compareSnapshot() { return finish(p) }
        var after: Int64 = 0
        while true {
            let page = try await store.readChained(after: after, limit: 4096)
            guard let last = page.last else { break }
            for e in page {
                if let p = check.check(e) { return finish(p) }
                let event: LotseEvent?
                do {
                    event = try codec.decodeAny(e.event)
                } catch {
                    return finish(ChainProblem(position: e.event.position, reason: "nicht lesbar: \(error) / unreadable"))
                }
                index.apply(event, at: e.event.position)
                if let p = compareSnapshot() { return finish(p) }
                if let expected, expected.position == check.head, expected.hash != check.hash {
                    return finish(ChainProblem(
                        position: expected.position, reason: "Hash \(check.hash.hexString) statt des notierten \(expected.hash.hexString) / differs from the recorded head"))
                }
                if progressEvery > 0, check.head % progressEvery == 0 { progress?(check.head) }
            }
            after = last.event.position
        }
        if let p = check.finish() { return finish(p) }
        if let expected, check.head < expected.position {
            return finish(ChainProblem(
                position: check.head + 1, reason: "fehlt: das Protokoll endet bei \(check.head), notiert war Position \(expected.position) / log truncated"))
        }
        if let s = stored {
            return finish(ChainProblem(position: s.position, reason: "der Snapshot steht hinter dem Ende des Protokolls (\(check.head)) / snapshot beyond the log"))
        }
        // A fresh snapshot of the rebuilt index must restore exactly that index.
        guard case let .success(again) = format.decode(try format.encode(index)), again == index else {
            return finish(ChainProblem(position: check.head, reason: "ein frischer Snapshot stellt den Index nicht gleich wieder her / snapshot round trip differs"))
        }
        return finish(nil)
    }
}
