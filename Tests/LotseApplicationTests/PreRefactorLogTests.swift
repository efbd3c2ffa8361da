import Foundation
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseTelenotarzt
import LotseTime
import Testing

/// A log written before the one command path (`Fixtures/log-before-one-command-path`, see its README): today's code
/// must read every event of it and fold it to the same capacity index and the same Telenotarzt state.
@Suite struct PreRefactorLogTests {
    struct Row: Decodable {
        let position: Int64
        let stream: String
        let streamVersion: Int64
        let type: String
        let schemaVersion: Int
        let payload: String
        let metadata: String
    }

    static func fixture(_ name: String) throws -> Data {
        let dir = try #require(Bundle.module.url(forResource: "log-before-one-command-path", withExtension: nil, subdirectory: "Fixtures"))
        return try Data(contentsOf: dir.appendingPathComponent(name))
    }

    static func rows() throws -> [Row] {
        let text = String(decoding: try fixture("log.jsonl"), as: UTF8.self)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
    }

    /// The fixture's events in a store, at their original positions and stream versions.
    static func store() async throws -> InMemoryEventStore {
        let store = InMemoryEventStore()
        for row in try rows() {
            let r = try await store.append(
                [EventData(type: row.type, schemaVersion: row.schemaVersion, payload: Data(row.payload.utf8), metadata: Data(row.metadata.utf8))],
                to: StreamID(row.stream), expectedVersion: .exact(row.streamVersion - 1), idempotencyKey: nil)
            #expect(r.lastPosition == row.position)
        }
        return store
    }

    static let sorted: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    @Test func capacityIndexIsTheSame() async throws {
        let projector = CapacityProjector(store: try await Self.store())
        let stats = try await projector.rebuild()
        let count = try Self.rows().count
        #expect(stats.hospitals == 35 && stats.position == Int64(count))
        let expected = try JSONDecoder().decode(CapacityIndex.self, from: try Self.fixture("index.json"))
        #expect(projector.snapshot == expected)
        #expect(try Self.sorted.encode(projector.snapshot) == (try Self.fixture("index.json")))
    }

    @Test func telenotarztStateIsTheSame() async throws {
        let expected = try JSONDecoder().decode(TNAState.self, from: try Self.fixture("tna-state.json"))
        let service = TNAService(store: try await Self.store(), network: expected.network, rules: expected.rules, clock: ManualClock(Timestamp(millis: 0)))
        try await service.catchUp()
        let state = await service.state
        #expect(state == expected)
        #expect(state.consultations.count == 6 && state.physicians.count == 2)
    }

    /// Every stored event belongs to exactly one aggregate, and one written today in its place reads back the same.
    @Test func everyEventDecodesAndRoundTripsInTodaysFormat() async throws {
        let network = TNANetwork.mecklenburgVorpommern(districts: [])
        let hospital = HospitalAggregate(), announcement = AnnouncementAggregate()
        let tna = TNADispatchAggregate(network: network), audit = ConsultationAuditAggregate()
        let meta = EventMetadata(principal: .system, correlationId: "c", idempotencyKey: nil, command: "Fixture")
        func recorded(_ d: EventData) -> RecordedEvent {
            RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: d.type, schemaVersion: d.schemaVersion, payload: d.payload, metadata: d.metadata)
        }
        var tnaEvents = 0
        for row in try Self.rows() {
            let r = RecordedEvent(position: row.position, stream: StreamID(row.stream), streamVersion: row.streamVersion, type: row.type,
                                  schemaVersion: row.schemaVersion, payload: Data(row.payload.utf8), metadata: Data(row.metadata.utf8))
            var owners = 0
            if let e = try hospital.decode(r) { owners += 1; #expect(try hospital.decode(recorded(try hospital.encode(e, metadata: meta))) == e) }
            if let e = try announcement.decode(r) { owners += 1; #expect(try announcement.decode(recorded(try announcement.encode(e, metadata: meta))) == e) }
            if let e = try tna.decode(r) {
                owners += 1
                tnaEvents += 1
                let today = try tna.encode(e, metadata: meta)
                // Today's version: 2, and 3 for ConsultationRequested (its note sealed).
                #expect(today.type == row.type && today.schemaVersion == (row.type == "TNA.ConsultationRequested" ? 3 : 2) && row.schemaVersion == 1)
                #expect(try tna.decode(recorded(today)) == e)
            }
            if let e = try audit.decode(r) { owners += 1; #expect(try audit.decode(recorded(try audit.encode(e, metadata: meta))) == e) }
            #expect(owners == 1, "\(row.type) at \(row.position)")
            // The metadata of every version names who did it.
            #expect(try JSONDecoder().decode(EventMetadata.self, from: r.metadata).principal.contains(":"))
        }
        #expect(tnaEvents == 39)
    }

    /// Every event type of the log is listed once, with the schema version it is written in.
    @Test func everyEventTypeIsListedOnce() throws {
        let registry = try EventTypeRegistry([
            HospitalAggregate().eventTypes, AnnouncementAggregate().eventTypes,
            TNADispatchAggregate(network: .mecklenburgVorpommern(districts: [])).eventTypes, ConsultationAuditAggregate().eventTypes,
            PersonalDataAuditAggregate().eventTypes,
        ])
        #expect(registry.types.count == 7 + 6 + 16 + 1 + 1)
        #expect(registry.schemaVersion(of: "TNA.ConsultationRequested") == 3)
        #expect(Set(try Self.rows().map(\.type)).isSubset(of: Set(registry.types.map(\.name))))
        #expect(registry.schemaVersion(of: "HospitalRegistered") == 2 && registry.schemaVersion(of: "PatientArrived") == 2 && registry.schemaVersion(of: "TNA.ConsultationEnded") == 2)
        #expect(throws: (any Error).self) { try EventTypeRegistry([HospitalAggregate().eventTypes, HospitalAggregate().eventTypes]) }
    }
}
