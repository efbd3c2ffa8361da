import Foundation
import Synchronization

/// A projection's state at a log position, so a restart replays only what came after.
public struct Snapshot: Sendable, Hashable {
    public let name: String
    public let position: Int64
    public let data: Data

    public init(name: String, position: Int64, data: Data) {
        self.name = name
        self.position = position
        self.data = data
    }
}

/// Where snapshots live. Snapshots are a cache: losing one costs a longer rebuild, never data.
public protocol SnapshotStore: Sendable {
    func save(_ snapshot: Snapshot) async throws
    func load(name: String) async throws -> Snapshot?
}

/// The in-memory twin of the snapshot store.
public final class InMemorySnapshotStore: SnapshotStore {
    private let snapshots = Mutex<[String: Snapshot]>([:])
    public init() {}
    public func save(_ snapshot: Snapshot) async throws { snapshots.withLock { $0[snapshot.name] = snapshot } }
    public func load(name: String) async throws -> Snapshot? { snapshots.withLock { $0[name] } }
}
