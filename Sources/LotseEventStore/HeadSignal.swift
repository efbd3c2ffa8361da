import Synchronization

/// Tells waiting subscribers that the log's head moved. Waiting is cancellable and may time out,
/// so that a subscriber also notices appends made by another process (it then polls).
public final class HeadSignal: Sendable {
    private struct State {
        var head: Int64 = 0
        var nextID: UInt64 = 0
        var waiters: [UInt64: (beyond: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Mutex(State())

    public init(head: Int64 = 0) { state.withLock { $0.head = head } }

    public var head: Int64 { state.withLock { $0.head } }

    /// Records a new head and wakes everyone waiting for less.
    public func advance(to head: Int64) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { s in
            guard head > s.head else { return [] }
            s.head = head
            var out: [CheckedContinuation<Void, Never>] = []
            for (id, w) in s.waiters where w.beyond < head {
                out.append(w.continuation)
                s.waiters[id] = nil
            }
            return out
        }
        for c in ready { c.resume() }
    }

    /// Returns when the head is beyond `position`, when `timeout` passed, or when the task is cancelled.
    public func wait(beyond position: Int64, timeout: Duration?) async {
        guard let timeout else { return await waitUntil(beyond: position) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntil(beyond: position) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntil(beyond position: Int64) async {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.head > position || Task.isCancelled { return true }
                    s.waiters[id] = (position, c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c = state.withLock { $0.waiters.removeValue(forKey: id)?.continuation }
            c?.resume()
        }
    }
}
