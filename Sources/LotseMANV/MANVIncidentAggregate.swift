import Foundation
import LotseApplication
import LotseDomain
import LotseEventStore

/// A mass-casualty incident as an aggregate: one stream per incident (`manv-<id>`), on the one command path.
/// Pure: the service hands in what the decision needs from outside (the hospitals within reach, their resources now,
/// the bound of a hospital's counts).
public struct MANVIncidentAggregate: Aggregate {
    public init() {}

    public static let streamPrefix = "manv-"
    public static let maxReason = 500

    public var initialState: MANVIncident? { nil }
    public var eventTypes: [EventType] { MANVEvent.payloadTypes.map { EventType($0) } }
    public func stream(for id: MANVIncidentID) -> StreamID { StreamID(Self.streamPrefix + id.rawValue) }
    public func name(of command: MANVCommand) -> String { command.name }

    public func decide(_ command: MANVCommand, state: MANVIncident?, context: CommandContext) throws(MANVError) -> [MANVEvent] {
        let now = context.now
        guard let incident = state else {
            guard case let .open(o) = command else { throw .notFound }
            return [.opened(try opened(o, now: now))]
        }
        if case .open = command { throw .alreadyExists }
        if case .close = command, incident.isClosed { return [] }
        guard !incident.isClosed else { throw .closed }
        let id = incident.id
        switch command {
        case .open:
            throw .alreadyExists
        case let .answer(hospital, firstHour, surge, limit):
            guard incident.asked.contains(where: { $0.hospitalId == hospital }) else { throw .notAsked(hospital) }
            for (name, counts) in [("firstHour", firstHour), ("surge", surge)] {
                for c in Sichtungskategorie.allCases where !(0...limit).contains(counts[c]) {
                    throw .countOutOfRange(field: "\(name).\(c.fieldName)", limit: limit)
                }
            }
            if let a = incident.answers[hospital], a.firstHour == firstHour, a.surge == surge { return [] }
            return [.acceptance(MANVAcceptanceReported(incidentId: id, hospitalId: hospital, firstHour: firstHour, surge: surge, occurredAt: now))]
        case let .extendReach(reach, asked, answerBy):
            let new = asked.filter { h in !incident.asked.contains { $0.hospitalId == h.hospitalId } }
            guard reach > incident.reachMinutes, !new.isEmpty else { throw .reachNotWider(current: incident.reachMinutes) }
            let minutes = answerBy.minutes(since: now)
            guard minutes >= 1, minutes <= 120 else { throw .answerByOutOfRange }
            return [.extended(MANVReachExtended(incidentId: id, reachMinutes: reach, asked: new, answerBy: answerBy, occurredAt: now))]
        case .remind:
            let open = incident.withoutAnswer
            guard !open.isEmpty else { throw .nothingToRemind }
            return [.reminded(MANVReminderSent(incidentId: id, hospitals: open, occurredAt: now))]
        case let .reportPatients(groups):
            try Self.check(groups, existing: incident.patients.map(\.count).reduce(0, +))
            return [.patients(MANVPatientsReported(incidentId: id, patients: groups, occurredAt: now))]
        case let .declareSurge(reason):
            let reason = try Self.reason(reason)
            guard incident.surge == nil else { return [] }
            return [.surge(MANVSurgeDeclared(incidentId: id, reason: reason, occurredAt: now))]
        case let .plan(resources):
            let plan = MANVPlanner.plan(incident.onScene, offers: offers(incident, resources: resources))
            return [.plan(MANVPlanMade(incidentId: id, number: (incident.plan?.number ?? 0) + 1, assignments: plan.assignments, unplaced: plan.unplaced,
                                       withoutAnswer: incident.withoutAnswer, surge: incident.surge != nil, changeReason: nil, occurredAt: now))]
        case let .confirm(number):
            guard let plan = incident.plan else { throw .noPlan }
            guard plan.number == number else { throw .planOutdated(current: plan.number) }
            if incident.planConfirmed { return [] }
            return [.confirmed(MANVPlanConfirmed(incidentId: id, number: number, occurredAt: now))]
        case let .change(lines, reason, resources):
            let reason = try Self.reason(reason)
            let (assignments, unplaced) = try changed(incident, lines, resources: resources)
            return [.plan(MANVPlanMade(incidentId: id, number: (incident.plan?.number ?? 0) + 1, assignments: assignments, unplaced: unplaced,
                                       withoutAnswer: incident.withoutAnswer, surge: incident.surge != nil, changeReason: reason, occurredAt: now))]
        case let .transport(announcementId, hospital, category, need, unit):
            let unit = unit.trimmingCharacters(in: .whitespaces)
            guard (1...64).contains(unit.count) else { throw .unitRequired }
            guard incident.plan != nil else { throw .noPlan }
            guard incident.planConfirmed else { throw .planNotConfirmed }
            guard incident.plannedLeft(.init(hospital: hospital, category: category, need: need)) > 0 else { throw .notInPlan(hospital, category) }
            // The hospital may have lowered its answer since the plan was made: its current count decides.
            guard incident.placesLeft(hospital, category) > 0 else { throw .noPlaceLeft(hospital, category) }
            return [.transported(MANVPatientTransported(incidentId: id, announcementId: announcementId, hospitalId: hospital, category: category,
                                                         need: need, unit: unit, occurredAt: now))]
        case let .cancelTransport(announcementId, reason):
            guard let t = incident.transports.first(where: { $0.announcementId == announcementId }) else { throw .transportUnknown(announcementId) }
            guard !incident.cancelledTransports.contains(announcementId) else { return [] }
            return [.transportCancelled(MANVTransportCancelled(incidentId: id, announcementId: announcementId, hospitalId: t.hospitalId,
                                                                 reason: try Self.reason(reason), occurredAt: now))]
        case let .close(reason):
            return [.closed(MANVIncidentClosed(incidentId: id, reason: try Self.reason(reason), occurredAt: now))]
        }
    }

    public func evolve(_ state: MANVIncident?, _ event: MANVEvent) -> MANVIncident? {
        var s = state
        apply(&s, event)
        return s
    }

    public func apply(_ state: inout MANVIncident?, _ event: MANVEvent) {
        if case let .opened(e) = event {
            if state == nil { state = MANVIncident(opened: e) }
            return
        }
        state?.apply(event)
    }

    public func encode(_ event: MANVEvent, metadata: EventMetadata) throws -> EventData {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let p = event.payload
        return EventData(type: type(of: p).eventType, schemaVersion: type(of: p).schemaVersion, payload: try enc.encode(p), metadata: Data(metadata.json))
    }

    public func decode(_ r: RecordedEvent) throws -> MANVEvent? {
        guard r.stream.rawValue.hasPrefix(Self.streamPrefix) else { return nil }
        return try MANVEvent.decode(type: r.type) { t in try JSONDecoder().decode(t, from: r.payload) }
    }

    // MARK: Rules

    private func opened(_ o: MANVOpening, now: Timestamp) throws(MANVError) -> MANVIncidentOpened {
        let label = o.label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(label.count) else { throw .labelInvalid }
        try Self.check(o.patients, existing: 0)
        guard o.patients.contains(where: { $0.count > 0 }) else { throw .patientsInvalid(field: "patients") }
        guard !o.asked.isEmpty else { throw .noHospitalInReach }
        let minutes = o.answerBy.minutes(since: now)
        guard minutes >= 1, minutes <= 120 else { throw .answerByOutOfRange }
        return MANVIncidentOpened(incidentId: o.id, district: o.district, label: label, place: o.place, patients: o.patients,
                                  asked: o.asked, reachMinutes: o.reachMinutes, answerBy: o.answerBy, occurredAt: now)
    }

    /// Group counts 0–1000, the incident's total 1–2000.
    static func check(_ groups: [MANVPatientGroup], existing: Int) throws(MANVError) {
        for (i, g) in groups.enumerated() where !(0...1000).contains(g.count) { throw .patientsInvalid(field: "patients[\(i)].count") }
        let total = existing + groups.map(\.count).reduce(0, +)
        guard total <= 2000 else { throw .patientsInvalid(field: "patients") }
    }

    static func reason(_ text: String) throws(MANVError) -> String {
        let r = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...maxReason).contains(r.count) else { throw .reasonRequired }
        return r
    }

    /// The answered hospitals as the planner takes them: places left per category, drive time, what they can take now.
    func offers(_ incident: MANVIncident, resources: [HospitalID: ResourceSet]) -> [MANVHospitalOffer] {
        incident.asked.compactMap { h in
            guard incident.answers[h.hospitalId] != nil else { return nil }
            let accepts = Dictionary(uniqueKeysWithValues: Sichtungskategorie.allCases.map { ($0, incident.placesLeft(h.hospitalId, $0)) })
            return MANVHospitalOffer(hospital: h.hospitalId, driveMinutes: h.driveMinutes, accepts: accepts, resources: resources[h.hospitalId] ?? ResourceSet())
        }
    }

    private struct GroupKey: Hashable {
        let category: Sichtungskategorie
        let need: ResourceSet
    }

    /// A dispatcher's lines checked: answered hospitals only, never over a count, needs met, no more than on scene.
    func changed(_ incident: MANVIncident, _ lines: [MANVAssignmentRequest], resources: [HospitalID: ResourceSet]) throws(MANVError)
        -> ([MANVPlan.Assignment], [MANVPatientGroup]) {
        var perHospital: [HospitalID: MANVCounts] = [:]
        var perGroup: [GroupKey: Int] = [:]
        var assignments: [MANVPlan.Assignment] = []
        // Lines for the same hospital and group are one assignment (the board shows one line per hospital and group).
        var merged: [MANVAssignmentRequest] = []
        for line in lines where line.patients != 0 {
            guard (1...1000).contains(line.patients) else { throw .countOutOfRange(field: "assignments.patients", limit: 1000) }
            if let i = merged.firstIndex(where: { $0.hospitalId == line.hospitalId && $0.category == line.category && $0.need == line.need }) {
                merged[i] = MANVAssignmentRequest(hospitalId: line.hospitalId, category: line.category, need: line.need, patients: merged[i].patients + line.patients)
            } else {
                merged.append(line)
            }
        }
        for line in merged {
            guard (1...1000).contains(line.patients) else { throw .countOutOfRange(field: "assignments.patients", limit: 1000) }
            guard let asked = incident.asked.first(where: { $0.hospitalId == line.hospitalId }) else { throw .notAsked(line.hospitalId) }
            guard incident.answers[line.hospitalId] != nil else { throw .notAnswered(line.hospitalId) }
            guard (resources[line.hospitalId] ?? ResourceSet()).isSuperset(of: line.need) else { throw .needNotMet(line.hospitalId, line.need) }
            perHospital[line.hospitalId, default: .zero][line.category] += line.patients
            let places = incident.placesLeft(line.hospitalId, line.category)
            guard perHospital[line.hospitalId, default: .zero][line.category] <= places else { throw .overCount(line.hospitalId, line.category, places: places) }
            let key = GroupKey(category: line.category, need: line.need)
            perGroup[key, default: 0] += line.patients
            let onScene = incident.onScene.first { $0.category == line.category && $0.need == line.need }?.count ?? 0
            guard perGroup[key, default: 0] <= onScene else { throw .moreThanOnScene(line.category, line.need, onScene: onScene) }
            assignments.append(MANVPlan.Assignment(group: MANVPatientGroup(category: line.category, need: line.need, count: onScene),
                                                   hospital: line.hospitalId, patients: line.patients, driveMinutes: asked.driveMinutes))
        }
        let unplaced = incident.onScene.compactMap { g -> MANVPatientGroup? in
            let left = g.count - perGroup[GroupKey(category: g.category, need: g.need), default: 0]
            return left > 0 ? MANVPatientGroup(category: g.category, need: g.need, count: left) : nil
        }
        return (assignments, unplaced)
    }
}

extension Sichtungskategorie {
    /// The JSON field of the category in counts (`red`, `yellow`, `green`).
    public var fieldName: String {
        switch self {
        case .red: "red"
        case .yellow: "yellow"
        case .green: "green"
        }
    }
}
