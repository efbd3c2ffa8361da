import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore
import LotseTime

/// Runs Telenotarzt dispatch on the one command path: every input is decided on the current state by
/// `TNADispatchAggregate` and appended to its one stream (`tna-dispatch`, expected version: a second process cannot
/// decide on a stale queue). Timers are ticks at the state's next deadline, on an injectable clock. A restart folds
/// the stream and has the same queue and deadlines.
public actor TNAService {
    public static let stream = TNADispatchAggregate.stream
    let clock: any LotseClock
    private let runner: StreamCommandRunner<TNADispatchAggregate>
    /// The state after the last decision or catch-up: the runner's cached state (the service keeps no copy of its own,
    /// so a decision changes the state in place instead of copying a year of cases).
    public var state: TNAState { runner.cached(())?.state ?? runner.aggregate.initialState }
    /// Called with the events of every decision this service appended and the state after them (for metrics).
    let observer: (@Sendable ([TNAEvent], TNAState) -> Void)?

    public init(store: any EventStore, network: TNANetwork, rules: TNARules = TNARules(), clock: any LotseClock,
                observer: (@Sendable ([TNAEvent], TNAState) -> Void)? = nil) {
        let aggregate = TNADispatchAggregate(network: network, rules: rules)
        runner = StreamCommandRunner(store: store, aggregate: aggregate)
        self.clock = clock
        self.observer = observer
    }

    /// Folds the stream (on start, and after another process appended).
    public func catchUp() async throws {
        _ = try await runner.loadVersioned(())
    }

    /// Decides (at the clock's time when its turn comes), appends and applies one input; returns the events it
    /// caused — for a retried idempotency key those of the first time, writing nothing.
    @discardableResult
    public func handle(_ input: TNAInput, by principal: Principal, idempotencyKey: String? = nil) async throws -> [TNAEvent] {
        let clock = self.clock
        let o = try await runner.execute(input, id: (), by: principal, at: { clock.now() }, idempotencyKey: idempotencyKey)
        if o.deduplicated {
            try await catchUp()
            return o.events
        }
        if !o.events.isEmpty { observer?(o.events, o.state) }
        return o.events
    }

    /// Ticks at every deadline (offer time-outs, alerts, aging) until the task is cancelled. Sleeps at most
    /// `maxSleep`, so a clock that jumps (tests) or appends of other processes are noticed soon.
    /// - Parameter mayTick: whether this process may act on a deadline now (on several nodes: the timer lease's
    ///   holder); the others only follow the stream.
    public func runTimers(maxSleep: Duration = .seconds(1), mayTick: @Sendable () async -> Bool = { true }) async throws {
        while !Task.isCancelled {
            do { try await catchUp() } catch {
                // The store does not answer: keep the state, try again soon.
                try await Task.sleep(for: maxSleep)
                continue
            }
            if let deadline = state.nextDeadline(), deadline <= clock.now() {
                guard await mayTick() else {
                    // Another node holds the timers: follow the stream, take over when the lease passes here.
                    try await Task.sleep(for: maxSleep)
                    continue
                }
                // A due deadline always produces an event (which clears it); sleep anyway if it did not.
                do {
                    if try await !handle(.tick, by: .system).isEmpty { continue }
                } catch is EventStoreError {
                    // Not written (the store does not answer, or another node ticked first): decide again later.
                    try await Task.sleep(for: maxSleep)
                    continue
                }
            }
            let wait = state.nextDeadline().map { Duration.milliseconds(max(10, $0.millis - clock.now().millis)) } ?? maxSleep
            try await Task.sleep(for: min(wait, maxSleep))
        }
    }
}
