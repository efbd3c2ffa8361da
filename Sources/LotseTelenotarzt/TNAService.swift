import Foundation
import LotseDomain
import LotseEventStore

/// Runs the Telenotarzt state machine on the event log: every input is decided on the current state, its events
/// are appended to one stream (`tna-dispatch`, expected version: a second process cannot decide on a stale queue)
/// and applied. Timers are ticks at the state's next deadline, on an injectable clock. A restart folds the stream
/// and has the same queue and deadlines.
public actor TNAService {
    public static let stream = StreamID("tna-dispatch")
    let store: any EventStore
    let clock: @Sendable () -> Timestamp
    public private(set) var state: TNAState
    private var version: Int64 = 0
    private let initial: TNAState
    /// Called with the events of every decision this service appended and the state after them (for metrics).
    let observer: (@Sendable ([TNAEvent], TNAState) -> Void)?

    public init(store: any EventStore, network: TNANetwork, rules: TNARules = TNARules(), clock: @escaping @Sendable () -> Timestamp,
                observer: (@Sendable ([TNAEvent], TNAState) -> Void)? = nil) {
        self.store = store
        self.clock = clock
        self.observer = observer
        initial = TNAState(network: network, rules: rules)
        state = initial
    }

    /// Folds the stream (on start, and after another process appended).
    public func catchUp() async throws {
        for r in try await store.readStream(Self.stream, after: version) {
            state = TNADispatcher.evolve(state, try JSONDecoder().decode(TNAEvent.self, from: r.payload))
            version = r.streamVersion
        }
    }

    /// Decides, appends and applies one input; returns the events it caused.
    @discardableResult
    public func handle(_ input: TNAInput, by principal: Principal, idempotencyKey: String? = nil) async throws -> [TNAEvent] {
        for attempt in 1...5 {
            let now = clock()
            let events = try TNADispatcher.decide(input, state: state, now: now)
            if events.isEmpty { return [] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let metadata = try encoder.encode(["principal": principal.description, "input": "\(input)".prefix(200).description])
            let data = try events.map { e in
                EventData(type: "TNA." + e.caseName, schemaVersion: 1, payload: try encoder.encode(e), metadata: metadata)
            }
            do {
                let r = try await store.append(data, to: Self.stream, expectedVersion: version == 0 ? .noStream : .exact(version), idempotencyKey: idempotencyKey)
                if r.deduplicated {
                    try await catchUp()
                    return []
                }
                state = events.reduce(state) { TNADispatcher.evolve($0, $1) }
                version = r.streamVersion
                observer?(events, state)
                return events
            } catch EventStoreError.wrongExpectedVersion where attempt < 5 {
                try await catchUp()
            }
        }
        throw EventStoreError.storage("TNA stream kept changing; gave up after 5 attempts")
    }

    /// Ticks at every deadline (offer time-outs, alerts, aging) until the task is cancelled. Sleeps at most
    /// `maxSleep`, so a clock that jumps (tests) or appends of other processes are noticed soon.
    public func runTimers(maxSleep: Duration = .seconds(1)) async throws {
        while !Task.isCancelled {
            try await catchUp()
            if let deadline = state.nextDeadline(), deadline <= clock() {
                // A due deadline always produces an event (which clears it); sleep anyway if it did not.
                if try await !handle(.tick, by: .system).isEmpty { continue }
            }
            let wait = state.nextDeadline().map { Duration.milliseconds(max(10, $0.millis - clock().millis)) } ?? maxSleep
            try await Task.sleep(for: min(wait, maxSleep))
        }
    }
}

extension TNAEvent {
    /// The stored type name after `TNA.` (the enum case).
    public var caseName: String {
        switch self {
        case .physicianSignedOn: "PhysicianSignedOn"
        case .physicianPaused: "PhysicianPaused"
        case .physicianResumed: "PhysicianResumed"
        case .physicianSignedOff: "PhysicianSignedOff"
        case .requested: "ConsultationRequested"
        case .offered: "ConsultationOffered"
        case .offerMissed: "OfferMissed"
        case .offerDeclined: "OfferDeclined"
        case .accepted: "ConsultationAccepted"
        case .connected: "ConsultationConnected"
        case .ended: "ConsultationEnded"
        case .cancelled: "ConsultationCancelled"
        case .escalated: "ConsultationEscalated"
        case .requeued: "ConsultationRequeued"
        case .backupAlerted: "BackupAlerted"
        case .leitstelleAlerted: "LeitstelleAlerted"
        }
    }
}
