import LotseDomain

/// A mass-casualty incident as its events made it: who was asked and what they answered, the patients, the current
/// plan and the transports under it.
public struct MANVIncident: Sendable, Hashable {
    public let id: MANVIncidentID
    public let district: DistrictID
    public let label: String
    public let place: GeoPoint
    public let openedAt: Timestamp
    public let answerBy: Timestamp
    public private(set) var reachMinutes: Double
    public private(set) var asked: [MANVAskedHospital]
    /// The deadline of hospitals asked when the reach was widened (the others have `answerBy`).
    public private(set) var laterDeadlines: [HospitalID: Timestamp] = [:]
    /// Patients of the incident (found so far), merged by category and need.
    public private(set) var patients: [MANVPatientGroup]
    public private(set) var answers: [HospitalID: MANVAcceptanceReported] = [:]
    public private(set) var remindedAt: Timestamp?
    public private(set) var surge: MANVSurgeDeclared?
    public private(set) var plan: MANVPlanMade?
    public private(set) var planConfirmed = false
    /// Every transport, cancelled ones included (`cancelledTransports`); the counts use the others.
    public private(set) var transports: [MANVPatientTransported] = []
    public private(set) var cancelledTransports: Set<AnnouncementID> = []
    /// The plan each transport was made under (a cancellation frees its place in that plan only).
    private var planOfTransport: [AnnouncementID: Int] = [:]
    /// Per plan key (hospital, category, need): transports made under the current plan.
    public private(set) var transportedUnderPlan: [PlanKey: Int] = [:]
    public private(set) var closed: MANVIncidentClosed?

    /// A hospital and a patient group.
    public struct PlanKey: Sendable, Hashable {
        public let hospital: HospitalID
        public let category: Sichtungskategorie
        public let need: ResourceSet

        public init(hospital: HospitalID, category: Sichtungskategorie, need: ResourceSet) {
            self.hospital = hospital
            self.category = category
            self.need = need
        }
    }

    public init(opened e: MANVIncidentOpened) {
        id = e.incidentId
        district = e.district
        label = e.label
        place = e.place
        openedAt = e.occurredAt
        answerBy = e.answerBy
        reachMinutes = e.reachMinutes
        asked = e.asked
        patients = Self.merged([], e.patients)
    }

    public var isClosed: Bool { closed != nil }

    /// Whether a hospital's answer is in, still awaited, or unknown (the deadline passed without one — never assumed).
    public enum AnswerStatus: String, Sendable, Codable {
        case answered, pending, unknown
    }

    public func answerStatus(of hospital: HospitalID, at now: Timestamp) -> AnswerStatus {
        if answers[hospital] != nil { return .answered }
        return now < deadline(of: hospital) ? .pending : .unknown
    }

    /// When an asked hospital's answer is due.
    public func deadline(of hospital: HospitalID) -> Timestamp { laterDeadlines[hospital] ?? answerBy }

    /// Asked hospitals without an answer.
    public var withoutAnswer: [HospitalID] { asked.map(\.hospitalId).filter { answers[$0] == nil } }

    /// Patients that left the scene, per group.
    public func transported(_ category: Sichtungskategorie, need: ResourceSet) -> Int {
        activeTransports.filter { $0.category == category && $0.need == need }.count
    }

    /// Transports whose announcement was not cancelled.
    public var activeTransports: [MANVPatientTransported] { transports.filter { !cancelledTransports.contains($0.announcementId) } }

    /// Patients still on scene, per group (what a new plan distributes).
    public var onScene: [MANVPatientGroup] {
        patients.compactMap { g in
            let left = g.count - transported(g.category, need: g.need)
            return left > 0 ? MANVPatientGroup(category: g.category, need: g.need, count: left) : nil
        }
    }

    /// Patients of a category a hospital received (transports to it).
    public func sent(to hospital: HospitalID, _ category: Sichtungskategorie) -> Int {
        activeTransports.filter { $0.hospitalId == hospital && $0.category == category }.count
    }

    /// Places a hospital still has for a category: its answer (with surge once declared) less the patients sent to it.
    public func placesLeft(_ hospital: HospitalID, _ category: Sichtungskategorie) -> Int {
        guard let a = answers[hospital] else { return 0 }
        let offered = a.firstHour[category] + (surge != nil ? a.surge[category] : 0)
        return max(0, offered - sent(to: hospital, category))
    }

    /// Patients of the current plan for a hospital and group not yet transported.
    public func plannedLeft(_ key: PlanKey) -> Int {
        guard let plan else { return 0 }
        let planned = plan.assignments.filter { $0.hospital == key.hospital && $0.group.category == key.category && $0.group.need == key.need }
            .map(\.patients).reduce(0, +)
        return max(0, planned - transportedUnderPlan[key, default: 0])
    }

    mutating func apply(_ event: MANVEvent) {
        switch event {
        case .opened: break
        case let .acceptance(e): answers[e.hospitalId] = e
        case let .extended(e):
            reachMinutes = e.reachMinutes
            for h in e.asked where !asked.contains(where: { $0.hospitalId == h.hospitalId }) {
                asked.append(h)
                laterDeadlines[h.hospitalId] = e.answerBy
            }
        case let .reminded(e): remindedAt = e.occurredAt
        case let .patients(e): patients = Self.merged(patients, e.patients)
        case let .surge(e): surge = e
        case let .plan(e):
            plan = e
            planConfirmed = e.changeReason != nil
            transportedUnderPlan = [:]
        case let .confirmed(e): if e.number == plan?.number { planConfirmed = true }
        case let .transported(e):
            transports.append(e)
            planOfTransport[e.announcementId] = plan?.number
            transportedUnderPlan[PlanKey(hospital: e.hospitalId, category: e.category, need: e.need), default: 0] += 1
        case let .transportCancelled(e):
            guard let t = transports.first(where: { $0.announcementId == e.announcementId }), cancelledTransports.insert(e.announcementId).inserted else { break }
            if planOfTransport[e.announcementId] == plan?.number {
                transportedUnderPlan[PlanKey(hospital: t.hospitalId, category: t.category, need: t.need), default: 0] -= 1
            }
        case let .closed(e): closed = e
        }
    }

    /// Groups of the same category and need added up, in category order then need.
    static func merged(_ a: [MANVPatientGroup], _ b: [MANVPatientGroup]) -> [MANVPatientGroup] {
        var out: [MANVPatientGroup] = []
        for g in a + b where g.count > 0 {
            if let i = out.firstIndex(where: { $0.category == g.category && $0.need == g.need }) {
                out[i] = MANVPatientGroup(category: g.category, need: g.need, count: out[i].count + g.count)
            } else {
                out.append(g)
            }
        }
        return out.sorted { ($0.category, $0.need.sortedKeys) < ($1.category, $1.need.sortedKeys) }
    }
}

extension ResourceSet {
    /// The keys' raw values, sorted and joined (an order for groups of the same category).
    var sortedKeys: String { map(\.rawValue).sorted().joined(separator: ",") }
}
