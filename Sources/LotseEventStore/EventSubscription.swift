/// Events after a position: stored ones first, then new ones as they are committed, in position order and
/// without gaps. Reads in pages from the store and waits on its `HeadSignal` when caught up; ends (returns nil)
/// when the consuming task is cancelled.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let start: Int64
    let pageSize: Int
    let pollInterval: Duration?
    let signal: HeadSignal
    let readPage: @Sendable (Int64, Int) async throws -> [RecordedEvent]

    /// - Parameters:
    ///   - pollInterval: re-read at least this often even without a signal (for appends by other processes).
    public init(after position: Int64, pageSize: Int = 1024, pollInterval: Duration?, signal: HeadSignal,
                readPage: @escaping @Sendable (Int64, Int) async throws -> [RecordedEvent]) {
        self.start = position
        self.pageSize = pageSize
        self.pollInterval = pollInterval
        self.signal = signal
        self.readPage = readPage
    }

    public func makeAsyncIterator() -> Iterator { Iterator(sub: self, last: start) }

    public struct Iterator: AsyncIteratorProtocol {
        let sub: EventSubscription
        var last: Int64
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while index >= buffer.count {
                if Task.isCancelled { return nil }
                let page = try await sub.readPage(last, sub.pageSize)
                if page.isEmpty {
                    await sub.signal.wait(beyond: last, timeout: sub.pollInterval)
                    continue
                }
                buffer = page
                index = 0
            }
            let e = buffer[index]
            index += 1
            last = e.position
            return e
        }
    }
}
