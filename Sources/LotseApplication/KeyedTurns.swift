import Synchronization

/// Gives async work one turn at a time per key, in arrival order (an async mutex per key, without threads).
public final class KeyedTurns<Key: Hashable & Sendable>: Sendable {
    /// Present key = someone has the turn; the array holds those waiting.
    private let waiting = Mutex<[Key: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    public func withTurn<T: Sendable>(_ key: Key, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: Key) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let mine = waiting.withLock { w -> Bool in
                if w[key] == nil {
                    w[key] = []
                    return true
                }
                w[key]!.append(c)
                return false
            }
            if mine { c.resume() }
        }
    }

    private func release(_ key: Key) {
        let next = waiting.withLock { w -> CheckedContinuation<Void, Never>? in
            guard var queue = w[key], !queue.isEmpty else {
                w[key] = nil
                return nil
            }
            let first = queue.removeFirst()
            w[key] = queue
            return first
        }
        next?.resume()
    }
}
