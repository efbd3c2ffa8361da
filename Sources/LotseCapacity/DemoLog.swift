import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// The log was started as a demo (`--demo` on an empty log): the demo may report every resource available and
/// set demo bed counts here, and only here.
public struct LogDeclaredDemo: EventPayload {
    public static let eventType = "LogDeclaredDemo"
    public static let schemaVersion = 1
    public let at: Timestamp
}

/// Why `--demo` refuses a log.
public enum DemoLogError: Error, CustomStringConvertible, Equatable {
    /// The log holds events but was not started as a demo: real data, never overwritten by demo reports.
    case notADemoLog(events: Int64)

    public var description: String {
        switch self {
        case let .notADemoLog(n):
            "Dieses Protokoll enthält \(n) Ereignisse und ist kein Demo-Protokoll – --demo würde echte Meldungen überschreiben. "
                + "Für die Demo ein neues Protokoll nehmen (--db …) / not a demo log, refusing --demo"
        }
    }
}

/// The demo declaration as an aggregate: one stream, declared once.
public struct DemoLogAggregate: Aggregate {
    public static let stream = StreamID("log-purpose")

    public init() {}

    public enum Command: Sendable { case declare }

    public var initialState: Bool { false }
    public var eventTypes: [EventType] { [EventType(LogDeclaredDemo.self)] }
    public func stream(for _: Void) -> StreamID { Self.stream }
    public func name(of _: Command) -> String { "DeclareDemoLog" }
    public func decide(_: Command, state: Bool, context: CommandContext) -> [LogDeclaredDemo] { state ? [] : [LogDeclaredDemo(at: context.now)] }
    public func evolve(_: Bool, _: LogDeclaredDemo) -> Bool { true }
}

public enum DemoLog {
    /// Makes sure `store` may take demo data: an empty log is declared a demo log; a demo log stays one; any other
    /// log is refused before anything is written.
    public static func claim(_ store: any EventStore, at now: Timestamp) async throws {
        let runner = StreamCommandRunner(store: store, aggregate: DemoLogAggregate())
        if try await !runner.store.readStream(DemoLogAggregate.stream).isEmpty { return }
        let head = try await store.head()
        guard head == 0 else { throw DemoLogError.notADemoLog(events: head) }
        _ = try await runner.execute(.declare, id: (), context: CommandContext(now: now, principal: .importer))
    }
}
