import LotseCapacity
import LotseDomain
import LotseMANV

/// A MANV incident as the incident board and the Klinik page show it: per hospital its answer (answered, awaited, or
/// unknown after the deadline — never assumed), its places, and its patients planned, en route and arrived; the plan
/// with a German explanation per hospital; the patients still on scene. A hospital sees its own part only.
struct MANVIncidentView: Encodable {
    struct Place: Encodable { let lat: Double; let lon: Double }

    struct Group: Encodable {
        let category: String
        let need: [ResourceKey]
        let count: Int
        let transported: Int
        let onScene: Int
    }

    struct Hospital: Encodable {
        let hospitalId: HospitalID
        let name: String
        let driveMinutes: Double
        /// `answered`, `pending` (before the deadline) or `unknown` (deadline passed without an answer).
        let answer: MANVIncident.AnswerStatus
        /// This hospital's deadline (the incident's, or a later one when it was asked after the reach was widened).
        let answerBy: Timestamp
        let answeredAt: Timestamp?
        let firstHour: MANVCounts?
        let surge: MANVCounts?
        /// Places left per category (answer, with surge once declared, less the patients sent).
        let placesLeft: MANVCounts
        /// Of the current plan, not yet transported.
        let planned: MANVCounts
        let enRoute: MANVCounts
        let arrived: MANVCounts
        /// Why these patients here, what is left (German).
        let explanation: String
        /// The surge of its last bed report (all categories): beds more within 24 h and 72 h; absent when not reported.
        let bedsAdditional24h: Int?
        let bedsAdditional72h: Int?
    }

    struct Assignment: Encodable {
        let hospitalId: HospitalID
        let name: String
        let category: String
        let need: [ResourceKey]
        let patients: Int
        /// Not yet transported under this plan.
        let left: Int
        let driveMinutes: Double
    }

    struct Unplaced: Encodable {
        let category: String
        let need: [ResourceKey]
        let count: Int
    }

    struct Plan: Encodable {
        let number: Int
        let confirmed: Bool
        let madeAt: Timestamp
        /// The dispatcher's reason when the plan is a change of Lotse's; nil for Lotse's proposal.
        let changeReason: String?
        let surge: Bool
        let assignments: [Assignment]
        let unplaced: [Unplaced]
        let withoutAnswer: [HospitalID]
        let totalDriveMinutes: Double
    }

    struct Transport: Encodable {
        let announcementId: AnnouncementID
        let hospitalId: HospitalID
        let category: String
        let need: [ResourceKey]
        let unit: String
        let at: Timestamp
        /// The announcement's status: announced, acknowledged, arrived, cancelled (unknown when not in the index).
        let status: String
    }

    let incidentId: MANVIncidentID
    let district: DistrictID
    let label: String
    let place: Place
    let openedAt: Timestamp
    let answerBy: Timestamp
    let answerSecondsLeft: Int
    let reachMinutes: Double
    let status: String
    let closedReason: String?
    let surgeDeclared: Bool
    let surgeReason: String?
    let remindedAt: Timestamp?
    let patients: MANVCounts
    let onScene: MANVCounts
    let groups: [Group]
    let hospitals: [Hospital]
    let plan: Plan?
    let transports: [Transport]
    let logPosition: Int64

    /// - Parameter onlyHospitals: the hospitals whose part a hospital caller may see (nil: everything).
    init(_ m: MANVIncident, index: borrowing CapacityIndex, now: Timestamp, onlyHospitals: Set<HospitalID>?) {
        func visible(_ h: HospitalID) -> Bool { onlyHospitals?.contains(h) ?? true }
        func counts(_ pairs: [(Sichtungskategorie, Int)]) -> MANVCounts {
            var c = MANVCounts.zero
            for (k, n) in pairs { c[k] += n }
            return c
        }
        let statusOf: [AnnouncementID: AnnouncementStatus] = Dictionary(
            m.transports.compactMap { t in index.announcements[t.announcementId].map { (t.announcementId, $0.status) } }, uniquingKeysWith: { a, _ in a })
        incidentId = m.id
        district = m.district
        label = m.label
        place = Place(lat: m.place.lat, lon: m.place.lon)
        openedAt = m.openedAt
        answerBy = m.answerBy
        answerSecondsLeft = max(0, Int((m.answerBy.millis - now.millis) / 1000))
        reachMinutes = m.reachMinutes
        status = m.isClosed ? "closed" : "open"
        closedReason = m.closed?.reason
        surgeDeclared = m.surge != nil
        surgeReason = m.surge?.reason
        remindedAt = m.remindedAt
        patients = counts(m.patients.map { ($0.category, $0.count) })
        onScene = counts(m.onScene.map { ($0.category, $0.count) })
        groups = m.patients.map { g in
            let sent = m.transported(g.category, need: g.need)
            return Group(category: g.category.fieldName, need: g.need.sorted(), count: g.count, transported: sent, onScene: max(0, g.count - sent))
        }
        let names = Dictionary(m.asked.map { ($0.hospitalId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let plan = m.plan
        hospitals = m.asked.filter { visible($0.hospitalId) }.map { h in
            let id = h.hospitalId
            let answer = m.answers[id]
            let mine = m.transports.filter { $0.hospitalId == id }
            // One assignment per group and hospital (the groups on scene are distinct by category and need).
            let planned = counts((plan?.assignments ?? []).filter { $0.hospital == id }.map { a in
                (a.group.category, m.plannedLeft(.init(hospital: id, category: a.group.category, need: a.group.need)))
            })
            let enRoute = counts(mine.filter { statusOf[$0.announcementId]?.isEnRoute ?? true }.map { ($0.category, 1) })
            let arrived = counts(mine.filter { statusOf[$0.announcementId] == .arrived }.map { ($0.category, 1) })
            let left = MANVCounts(red: m.placesLeft(id, .red), yellow: m.placesLeft(id, .yellow), green: m.placesLeft(id, .green))
            let beds = index[id]?.beds?.counts.values.map { $0 } ?? []
            func sum(_ k: KeyPath<BedCount, Int?>) -> Int? {
                let known = beds.compactMap { $0[keyPath: k] }
                return known.isEmpty ? nil : known.reduce(0, +)
            }
            return Hospital(hospitalId: id, name: h.name, driveMinutes: h.driveMinutes, answer: m.answerStatus(of: id, at: now), answerBy: m.deadline(of: id),
                            answeredAt: answer?.occurredAt,
                            firstHour: answer?.firstHour, surge: answer?.surge, placesLeft: left, planned: planned, enRoute: enRoute, arrived: arrived,
                            explanation: Self.explain(m, h, planned: planned, left: left, now: now),
                            bedsAdditional24h: sum(\.additional24h), bedsAdditional72h: sum(\.additional72h))
        }
        self.plan = plan.map { p in
            Plan(number: p.number, confirmed: m.planConfirmed, madeAt: p.occurredAt, changeReason: p.changeReason, surge: p.surge,
                 assignments: p.assignments.filter { visible($0.hospital) }.map { a in
                     Assignment(hospitalId: a.hospital, name: names[a.hospital] ?? a.hospital.rawValue, category: a.group.category.fieldName,
                                need: a.group.need.sorted(), patients: a.patients,
                                left: m.plannedLeft(.init(hospital: a.hospital, category: a.group.category, need: a.group.need)), driveMinutes: a.driveMinutes)
                 },
                 unplaced: onlyHospitals == nil ? p.unplaced.map { Unplaced(category: $0.category.fieldName, need: $0.need.sorted(), count: $0.count) } : [],
                 withoutAnswer: onlyHospitals == nil ? p.withoutAnswer : [],
                 totalDriveMinutes: p.assignments.filter { visible($0.hospital) }.map { Double($0.patients) * $0.driveMinutes }.reduce(0, +))
        }
        transports = m.transports.filter { visible($0.hospitalId) }.map { t in
            Transport(announcementId: t.announcementId, hospitalId: t.hospitalId, category: t.category.fieldName, need: t.need.sorted(), unit: t.unit,
                      at: t.occurredAt, status: statusOf[t.announcementId]?.rawValue ?? "unknown")
        }
        logPosition = index.position
    }

    /// Why a hospital has the patients it has in the plan, or none (German, one line).
    static func explain(_ m: MANVIncident, _ h: MANVAskedHospital, planned: MANVCounts, left: MANVCounts, now: Timestamp) -> String {
        switch m.answerStatus(of: h.hospitalId, at: now) {
        case .pending: return "Antwort ausstehend (Frist \(GermanTime.shortTime(m.deadline(of: h.hospitalId), relativeTo: now))) – wird erst mit Antwort verplant"
        case .unknown: return "Keine Antwort bis \(GermanTime.shortTime(m.deadline(of: h.hospitalId), relativeTo: now)) – Aufnahmebereitschaft unbekannt, nicht verplant"
        case .answered: break
        }
        let fmt = { (c: MANVCounts) in Sichtungskategorie.allCases.filter { c[$0] > 0 }.map { "\(c[$0]) \($0.germanLabel)" }.joined(separator: ", ") }
        let drive = "\(Int(h.driveMinutes.rounded())) min Fahrzeit"
        guard m.plan != nil else { return "Aufnahme gemeldet (\(drive)); noch kein Plan" }
        if planned.total == 0 {
            return left.total == 0 ? "Keine freien Plätze mehr" : "Nicht verplant (\(drive)): nähere oder passendere Kliniken reichen; frei: \(fmt(left))"
        }
        let rest = MANVCounts(red: left.red - planned.red, yellow: left.yellow - planned.yellow, green: left.green - planned.green)
        return "Geplant: \(fmt(planned)) (\(drive)); danach frei: \(rest.total > 0 ? fmt(rest) : "keine Plätze")"
    }
}
