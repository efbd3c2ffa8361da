import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// The application layer for announcements (Voranmeldung): validates the PZC against the requirement table,
/// finds what blocks the hospital (closed or missing required resources → override reason needed), and runs
/// the aggregate's commands.
public final class AnnouncementService: Sendable {
    public let store: any EventStore
    public let codec: LotseEventCodec
    public let table: RequirementTable
    private let runner: StreamCommandRunner<AnnouncementAggregate>

    public init(store: any EventStore, table: RequirementTable) {
        self.store = store
        codec = .standard
        self.table = table
        runner = StreamCommandRunner(store: store, aggregate: AnnouncementAggregate())
    }

    /// What a new announcement asks for.
    public struct Input: Sendable {
        public let hospitalId: HospitalID
        public let pzc: PZC
        public let flags: [AnnouncementFlag]
        public let eta: Timestamp
        public let unit: String
        public let district: DistrictID
        public let overrideReason: String?

        public init(hospitalId: HospitalID, pzc: PZC, flags: [AnnouncementFlag], eta: Timestamp, unit: String, district: DistrictID, overrideReason: String?) {
            self.hospitalId = hospitalId
            self.pzc = pzc
            self.flags = flags
            self.eta = eta
            self.unit = unit
            self.district = district
            self.overrideReason = overrideReason
        }
    }

    /// What a command did.
    public struct Outcome: Sendable, Equatable {
        public let announcementId: AnnouncementID
        public let events: [AnnouncementEvent]
        public let position: Int64
        public let deduplicated: Bool
    }

    /// Why a command failed.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case refused(AnnouncementError)
        case code(DispatchError)
        case unknownHospital(HospitalID)
        case store(EventStoreError)

        public var description: String {
            switch self {
            case let .refused(e): e.description
            case let .code(e): e.description
            case let .unknownHospital(id): "Klinik \(id) unbekannt / unknown hospital"
            case let .store(e): e.description
            }
        }
    }

    public func load(_ id: AnnouncementID) async throws -> AnnouncementState? {
        try await runner.load(id)
    }

    /// Announces a patient to a hospital as the capacity `index` shows it at `now`.
    public func announce(_ input: Input, index: CapacityIndex, by principal: Principal, at now: Timestamp, ttlMinutes: Double,
                         idempotencyKey: String?, correlationId: String? = nil) async throws -> Outcome {
        let requirement: Requirement
        do { requirement = try table.allocationRequirement(rmi: input.pzc.rmi, urgency: input.pzc.urgency) } catch { throw Failure.code(error) }
        guard let hospital = index[input.hospitalId] else { throw Failure.unknownHospital(input.hospitalId) }
        let required = requirement.resources(forAge: input.pzc.age).required
        let blocking = required.keys.filter { key in
            guard hospital.profile.contains(key) else { return true }
            if case .closed = hospital.condition(key).status(at: now, ttlMinutes: ttlMinutes) { return true }
            return false
        }
        // A retry (same idempotency key, same caller) must land on the same stream so the store answers it with the
        // first result: the id is derived from the key then, random otherwise.
        let id = AnnouncementID("A-" + (idempotencyKey.map { FNV1a.hex("\(principal)|\($0)") } ?? UUID().lowercasedString))!
        let request = AnnouncementRequest(
            header: AnnouncementHeader(announcementId: id, hospitalId: input.hospitalId, district: input.district, unit: input.unit.trimmedWhitespace),
            pzc: input.pzc, flags: input.flags, eta: input.eta, bedCategory: BedCategory.needed(for: required),
            blockingResources: blocking, overrideReason: input.overrideReason)
        return try await execute(.announce(request), id: id, by: principal, at: now, idempotencyKey: idempotencyKey, correlationId: correlationId)
    }

    /// Runs a command on an existing announcement (acknowledge, arrive, cancel, escalate).
    public func execute(_ command: AnnouncementCommand, id: AnnouncementID, by principal: Principal, at now: Timestamp,
                        idempotencyKey: String?, correlationId: String? = nil) async throws -> Outcome {
        do {
            let o = try await runner.execute(
                command, id: id, context: CommandContext(now: now, principal: principal), idempotencyKey: idempotencyKey, correlationId: correlationId)
            return Outcome(announcementId: o.events.first?.header.announcementId ?? id, events: o.events, position: o.position, deduplicated: o.deduplicated)
        } catch let e as AnnouncementError {
            throw Failure.refused(e)
        } catch let e as EventStoreError {
            throw Failure.store(e)
        }
    }

    /// Escalates every red announcement unacknowledged for `thresholdSeconds` (the timer's job). Returns how many.
    @discardableResult
    public func escalateDue(in index: CapacityIndex, at now: Timestamp, thresholdSeconds: Int64) async throws -> Int {
        var n = 0
        // Only patients still on the way can be due; the timer runs often and almost never finds one.
        let due = index.openAnnouncements.compactMap { index.announcements[$0] }
            .filter { AnnouncementAggregate.dueForEscalation($0, now: now, thresholdSeconds: thresholdSeconds) }
        for a in due.sorted(by: { $0.id < $1.id }) {
            let o = try await execute(.escalate(thresholdSeconds: thresholdSeconds), id: a.id, by: .system, at: now, idempotencyKey: "escalate:\(a.id)")
            n += o.deduplicated ? 0 : o.events.count
        }
        return n
    }
}
