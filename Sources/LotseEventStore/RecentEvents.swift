import Synchronization

/// The events this node committed last, as long as they form one unbroken run of positions: a read of that range
/// (this node's projection and event stream following its own writes) is answered from memory instead of asking the
/// server for what the writer had in hand. Positions another node wrote break the run; the window then restarts at
/// this node's next commit, and reads outside it go to the server. Used by both stores' writers (SQLite: another
/// process writing the same file breaks the run the same way).
public final class RecentEvents: Sendable {
    private struct Window {
        var events: [RecordedEvent] = []
        var start = 0  // index of the oldest kept event
        var first: Int64 { events.isEmpty ? 0 : events[start].position }
        var last: Int64 { events.last?.position ?? 0 }
    }

    private let window = Mutex(Window())
    public let capacity: Int

    public init(capacity: Int = 20_000) { self.capacity = capacity }

    /// Records a committed batch (its positions are consecutive).
    public func committed(_ batch: [RecordedEvent]) {
        guard let head = batch.first else { return }
        window.withLock { w in
            if w.events.isEmpty || head.position != w.last + 1 {
                w.events = batch
                w.start = 0
            } else {
                w.events.append(contentsOf: batch)
            }
            let kept = w.events.count - w.start
            if kept > capacity { w.start += kept - capacity }
            // Compact now and then, so the array does not grow without bound.
            if w.start > capacity {
                w.events.removeFirst(w.start)
                w.start = 0
            }
        }
    }

    /// Up to `limit` events after `position`, if the window holds the whole range from `position + 1` on; nil
    /// when it does not (ask the server).
    public func read(after position: Int64, limit: Int) -> [RecordedEvent]? {
        window.withLock { w in
            guard !w.events.isEmpty, position + 1 >= w.first, position < w.last else { return nil }
            let from = w.start + Int(position + 1 - w.first)
            return Array(w.events[from..<(from + min(w.events.count - from, max(0, limit)))])  // no `from + limit`: it overflows for `.max`
        }
    }
}
