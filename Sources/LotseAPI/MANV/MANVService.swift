import Foundation
import LotseApplication
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseEventStore
import LotseMANV
import Synchronization

/// Mass-casualty incidents (issue 18): opens them (the hospitals within reach are asked), takes the hospitals'
/// acceptance, plans, confirms and changes plans, and turns each transport into an announcement — every step on the
/// one command path. Keeps this node's book of incidents in step with the log (loaded at start, then fed in the
/// projection's step, like the alarms).
public final class MANVService: Sendable {
    let runner: StreamCommandRunner<MANVIncidentAggregate>
    private let list: StreamCommandRunner<MANVIncidentListAggregate>
    private let announcements: AnnouncementService
    private let travel: any TravelTimeModel
    private let ttlMinutes: Double
    private let book = Mutex<[MANVIncidentID: (incident: MANVIncident, version: Int64)]>([:])

    public init(store: any EventStore, announcements: AnnouncementService, travel: any TravelTimeModel, ttlMinutes: Double) {
        runner = StreamCommandRunner(store: store, aggregate: MANVIncidentAggregate())
        list = StreamCommandRunner(store: store, aggregate: MANVIncidentListAggregate())
        self.announcements = announcements
        self.travel = travel
        self.ttlMinutes = ttlMinutes
    }

    public typealias Outcome = StreamCommandRunner<MANVIncidentAggregate>.Outcome

    /// Why a MANV request failed outside the incident's own rules.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case refused(MANVError)
        case announcement(AnnouncementService.Failure)
        /// A retry of a transport whose first attempt was refused (its announcement cancelled): a new attempt needs a
        /// new Idempotency-Key.
        case cancelledBefore(AnnouncementID)

        public var description: String {
            switch self {
            case let .refused(e): e.description
            case let .announcement(e): e.description
            case let .cancelledBefore(a):
                "Dieser Transport wurde abgelehnt, seine Voranmeldung \(a) storniert – neuer Versuch mit neuem Idempotency-Key / transport was refused before"
            }
        }
    }

    // MARK: Reading

    public func incident(_ id: MANVIncidentID) -> MANVIncident? { book.withLock { $0[id]?.incident } }

    /// Every incident, newest first.
    public var incidents: [MANVIncident] { book.withLock { $0.values.map(\.incident) }.sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) } }

    /// The incident a `manv-<id>` stream holds.
    static func incidentID(of stream: StreamID) -> MANVIncidentID? {
        MANVIncidentID(String(stream.rawValue.dropFirst(MANVIncidentAggregate.streamPrefix.count)))
    }

    /// The district of the incident an event belongs to (the listing and the opening carry it; later events are
    /// looked up in the book), nil when this node does not know it.
    public func district(of r: RecordedEvent) -> String? {
        if r.stream == MANVIncidentListAggregate.stream { return (try? list.aggregate.decode(r))??.district.rawValue }
        if case let .opened(e)? = try? runner.aggregate.decode(r) { return e.district.rawValue }
        return Self.incidentID(of: r.stream).flatMap(incident)?.district.rawValue
    }

    /// Reads every listed incident's stream (at start, after the projection's rebuild).
    public func load() async throws {
        var ids: [MANVIncidentID] = []
        let listing = list.aggregate
        for r in try await list.store.readStream(MANVIncidentListAggregate.stream) {
            if let e = try listing.decode(r) { ids.append(e.incidentId) }
        }
        for id in ids {
            let (state, version) = try await runner.loadVersioned(id)
            if let state { remember(state, version: version) }
        }
    }

    /// An event of the log, in the projection's step: applied to the book when it is the incident's next one.
    public func apply(_ r: RecordedEvent) {
        guard r.stream.rawValue.hasPrefix(MANVIncidentAggregate.streamPrefix), let event = try? runner.aggregate.decode(r) else { return }
        book.withLock { b in
            if case let .opened(e) = event {
                if b[e.incidentId] == nil, r.streamVersion == 1 { b[e.incidentId] = (MANVIncident(opened: e), 1) }
                return
            }
            guard let id = Self.incidentID(of: r.stream),
                  var entry = b[id], r.streamVersion == entry.version + 1 else { return }
            var state: MANVIncident? = entry.incident
            runner.aggregate.apply(&state, event)
            if let state { entry = (state, r.streamVersion) }
            b[id] = entry
        }
    }

    private func remember(_ incident: MANVIncident, version: Int64) {
        book.withLock { b in
            if (b[incident.id]?.version ?? 0) < version { b[incident.id] = (incident, version) }
        }
    }

    // MARK: Opening

    /// Who is asked: every hospital with an emergency department within `reachMinutes` of the scene; by default
    /// `MANVReach.defaultMinutes` (the nearest hospitals able to take SK I).
    public func hospitalsInReach(of place: GeoPoint, red: Int, reachMinutes: Double?, index: borrowing CapacityIndex) -> (reach: Double, asked: [MANVAskedHospital]) {
        let origin = travel.origin(UnitVector(place))
        var all: [(state: HospitalState, minutes: Double)] = []
        for (slot, h) in index.hospitals.enumerated() where h.notfallstufe >= 1 || h.profile.contains(.emergencyDepartment) {
            let d = travel.drive(from: origin, to: travel.needsHospitalID ? h.id : nil, at: index.hot[slot].vector, urgency: .red)
            all.append((h, d.minutes))
        }
        all.sort { ($0.minutes, $0.state.id) < ($1.minutes, $1.state.id) }
        let reach: Double
        if let reachMinutes {
            reach = reachMinutes
        } else {
            reach = MANVReach.defaultMinutes(all.map {
                MANVReach.Candidate(minutes: $0.minutes, takesRed: $0.state.notfallstufe >= 2 || $0.state.profile.contains(.traumaCenter))
            }, red: red)
        }
        let asked = all.filter { $0.minutes <= reach }.map {
            MANVAskedHospital(hospitalId: $0.state.id, name: $0.state.name, driveMinutes: ($0.minutes * 10).rounded() / 10)
        }
        return (reach, asked)
    }

    /// Lists and opens an incident; the id is derived from the Idempotency-Key (a retry lands on the same incident).
    public func open(district: DistrictID, label: String, place: GeoPoint, patients: [MANVPatientGroup], reachMinutes: Double?,
                     answerMinutes: Double, index: CapacityIndex, by principal: Principal, at now: Timestamp, idempotencyKey: String?,
                     correlationId: String?) async throws -> Outcome {
        let id = MANVIncidentID("M-" + (idempotencyKey.map { FNV1a.hex("\(principal)|manv|\($0)") } ?? UUID().lowercasedString))!
        let red = patients.filter { $0.category == .red }.map { min(1000, max(0, $0.count)) }.reduce(0, +)  // checked by the incident below
        let (reach, asked) = hospitalsInReach(of: place, red: red, reachMinutes: reachMinutes, index: index)
        let opening = MANVOpening(id: id, district: district, label: label, place: place, patients: patients, asked: asked, reachMinutes: reach,
                                  answerBy: now.adding(minutes: answerMinutes))
        // Checked before it is listed, so a refused opening leaves no listing behind.
        do { _ = try runner.aggregate.decide(.open(opening), state: nil, context: CommandContext(now: now, principal: principal)) } catch { throw Failure.refused(error) }
        _ = try await list.execute(MANVIncidentListed(incidentId: id, district: district, at: now), id: (),
                                   context: CommandContext(now: now, principal: principal), idempotencyKey: idempotencyKey.map { "list:\($0)" }, correlationId: correlationId)
        return try await execute(.open(opening), id: id, by: principal, at: now, idempotencyKey: idempotencyKey, correlationId: correlationId)
    }

    /// Widens an incident's reach: the hospitals newly within it are asked, by their own deadline.
    public func extendReach(_ id: MANVIncidentID, reachMinutes: Double, answerMinutes: Double, index: CapacityIndex, by principal: Principal,
                            at now: Timestamp, idempotencyKey: String?, correlationId: String?) async throws -> Outcome {
        guard let incident = incident(id) else { throw Failure.refused(.notFound) }
        let (reach, asked) = hospitalsInReach(of: incident.place, red: 0, reachMinutes: reachMinutes, index: index)
        return try await execute(.extendReach(reachMinutes: reach, asked: asked, answerBy: now.adding(minutes: answerMinutes)), id: id, by: principal,
                                 at: now, idempotencyKey: idempotencyKey, correlationId: correlationId)
    }

    // MARK: Commands

    /// The bound of a hospital's counts per category: half its operable beds of the last bed report (at least 10),
    /// without a report by its Notfallstufe (10, 20, 40, 80); never more than 500.
    public static func acceptanceLimit(of hospital: HospitalState) -> Int {
        if let beds = hospital.beds {
            let operable = beds.counts.values.map(\.operable).reduce(0, +)
            return min(500, max(10, operable / 2))
        }
        return [10, 20, 40, 80][min(3, max(0, hospital.notfallstufe))]
    }

    /// What each asked hospital can take now: its profile less the resources that are closed.
    public func resources(of incident: MANVIncident, index: borrowing CapacityIndex, at now: Timestamp) -> [HospitalID: ResourceSet] {
        var out: [HospitalID: ResourceSet] = [:]
        for h in incident.asked {
            guard let state = index[h.hospitalId] else { continue }
            out[h.hospitalId] = ResourceSet(state.profile.filter { key in
                if case .closed = state.condition(key).status(at: now, ttlMinutes: ttlMinutes) { return false }
                return true
            })
        }
        return out
    }

    public func execute(_ command: MANVCommand, id: MANVIncidentID, by principal: Principal, at now: Timestamp, idempotencyKey: String?,
                        correlationId: String?) async throws -> Outcome {
        do {
            let o = try await runner.execute(command, id: id, context: CommandContext(now: now, principal: principal), idempotencyKey: idempotencyKey,
                                             correlationId: correlationId)
            // On this node at once (the next page load must show it); other nodes when their projection applies it. A
            // retry's outcome carries today's state beside the first write's version: not taken (it would make the
            // projection apply the events in between twice).
            if !o.deduplicated, let state = o.state { remember(state, version: o.streamVersion) }
            return o
        } catch let e as MANVError {
            throw Failure.refused(e)
        }
    }

    /// Timer: reminds the asked hospitals of open incidents that have not answered halfway to the deadline (once per
    /// incident; the dispatcher can remind again). Returns how many incidents it reminded.
    @discardableResult
    public func remindDue(at now: Timestamp) async throws -> Int {
        var n = 0
        var failure: (any Error)?
        for m in incidents where !m.isClosed && m.remindedAt == nil {
            let halfway = m.openedAt.adding(minutes: m.answerBy.minutes(since: m.openedAt) / 2)
            guard now >= halfway, now < m.answerBy, m.asked.contains(where: { m.answerStatus(of: $0.hospitalId, at: now) == .pending }) else { continue }
            // One incident's failure (this node's book a step behind, say) does not keep the others from their reminder.
            do {
                let o = try await execute(.remind, id: m.id, by: .system, at: now, idempotencyKey: "manv-remind:\(m.id)", correlationId: nil)
                n += o.deduplicated || o.events.isEmpty ? 0 : 1
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return n
    }

    /// Timer: a transport whose announcement was cancelled (the patient did not go) is cancelled on its incident too —
    /// the patient counts as on scene again, the hospital's place as free. Returns how many it cancelled.
    @discardableResult
    public func reconcileCancelledTransports(in index: CapacityIndex, at now: Timestamp) async throws -> Int {
        var n = 0
        var failure: (any Error)?
        for m in incidents where !m.isClosed {
            for t in m.activeTransports where index.announcements[t.announcementId]?.status == .cancelled {
                do {
                    let o = try await execute(.cancelTransport(announcementId: t.announcementId, reason: "Voranmeldung storniert"), id: m.id, by: .system,
                                              at: now, idempotencyKey: "manv-transport-cancelled:\(t.announcementId)", correlationId: nil)
                    n += o.deduplicated || o.events.isEmpty ? 0 : 1
                } catch {
                    failure = failure ?? error
                }
            }
        }
        if let failure { throw failure }
        return n
    }

    /// A patient leaves for a hospital of the confirmed plan: the announcement first (ETA from the plan's drive
    /// time), then the transport on the incident; when the incident refuses it (a newer plan meanwhile), the
    /// announcement is cancelled again. A retry with the same Idempotency-Key repeats neither.
    public func transport(_ id: MANVIncidentID, hospital: HospitalID, category: Sichtungskategorie, need: ResourceSet, pzc: PZC, flags: [AnnouncementFlag],
                          unit: String, overrideReason: String?, index: CapacityIndex, by principal: Principal, at now: Timestamp, idempotencyKey: String?,
                          correlationId: String?) async throws -> (announcement: AnnouncementService.Outcome, transport: Outcome) {
        // Checked here as the incident will check it, so that a refused transport makes no announcement.
        guard let incident = incident(id) else { throw Failure.refused(.notFound) }
        guard !incident.isClosed else { throw Failure.refused(.closed) }
        guard incident.plan != nil else { throw Failure.refused(.noPlan) }
        guard incident.planConfirmed else { throw Failure.refused(.planNotConfirmed) }
        guard incident.plannedLeft(.init(hospital: hospital, category: category, need: need)) > 0 else {
            throw Failure.refused(.notInPlan(hospital, category))
        }
        let drive = incident.asked.first { $0.hospitalId == hospital }?.driveMinutes ?? 30
        let key = idempotencyKey ?? UUID().lowercasedString
        let announced: AnnouncementService.Outcome
        do {
            announced = try await announcements.announce(
                .init(hospitalId: hospital, pzc: pzc, flags: flags, eta: now.adding(minutes: drive), unit: unit,
                      district: incident.district, overrideReason: overrideReason),
                index: index, by: principal, at: now, ttlMinutes: ttlMinutes, idempotencyKey: "manv:\(id):\(key)", correlationId: correlationId)
        } catch let e as AnnouncementService.Failure {
            throw Failure.announcement(e)
        }
        if announced.deduplicated, let first = try await announcements.load(announced.announcementId), first.status == .cancelled {
            throw Failure.cancelledBefore(announced.announcementId)
        }
        do {
            let o = try await execute(.transport(announcementId: announced.announcementId, hospital: hospital, category: category, need: need, unit: unit),
                                      id: id, by: principal, at: now, idempotencyKey: "transport:\(key)", correlationId: correlationId)
            return (announced, o)
        } catch let Failure.refused(refusal) {
            // Refused by the incident (a newer plan, no place left): the announcement goes too. A store error leaves it —
            // the transport may be written; the retry with the same key finds out.
            _ = try? await announcements.execute(.cancel(reason: "MANV: Transport nicht im geltenden Plan"), id: announced.announcementId, by: principal,
                                                 at: now, idempotencyKey: "manv-cancel:\(id):\(key)", correlationId: correlationId)
            throw Failure.refused(refusal)
        }
    }
}
