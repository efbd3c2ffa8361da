import LotseDomain

/// Patients of one triage category with the same need (e.g. SK I children, SK I polytrauma for a Traumazentrum, SK I without a special need).
public struct MANVPatientGroup: Sendable, Hashable, Codable {
    public let category: Sichtungskategorie
    /// Resources a hospital must have for them (empty: any hospital that accepts this category).
    public let need: ResourceSet
    public let count: Int

    public init(category: Sichtungskategorie, need: ResourceSet = ResourceSet(), count: Int) {
        self.category = category
        self.need = need
        self.count = count
    }
}

/// What a hospital can take, as it answered the MANV request, and how far it is from the scene.
public struct MANVHospitalOffer: Sendable, Hashable, Codable {
    public let hospital: HospitalID
    public let driveMinutes: Double
    /// Patients per category it accepts (in the first hour); a category it did not name: none.
    public let accepts: [Sichtungskategorie: Int]
    /// Resources that take patients there now.
    public let resources: ResourceSet

    public init(hospital: HospitalID, driveMinutes: Double, accepts: [Sichtungskategorie: Int], resources: ResourceSet) {
        self.hospital = hospital
        self.driveMinutes = driveMinutes
        self.accepts = accepts
        self.resources = resources
    }
}

/// A distribution of the patients over the hospitals: never more than a hospital accepts per category, each group only
/// where its need is met and within reach; as many patients placed as possible, then the least total transport time.
public struct MANVPlan: Sendable, Equatable, Codable {
    public struct Assignment: Sendable, Hashable, Codable {
        public let group: MANVPatientGroup
        public let hospital: HospitalID
        public let patients: Int
        public let driveMinutes: Double

        public init(group: MANVPatientGroup, hospital: HospitalID, patients: Int, driveMinutes: Double) {
            self.group = group
            self.hospital = hospital
            self.patients = patients
            self.driveMinutes = driveMinutes
        }
    }

    public let assignments: [Assignment]
    /// Patients no hospital can take under the answers so far (they stay on scene until more capacity is found).
    public let unplaced: [MANVPatientGroup]
    /// Sum over patients of their drive minutes.
    public let totalMinutes: Double

    public func placed(_ category: Sichtungskategorie) -> Int {
        assignments.filter { $0.group.category == category }.map(\.patients).reduce(0, +)
    }
}

public enum MANVPlanner {
    /// The plan for `groups` over `offers`. Category by category, SK I first (each category has its own acceptance
    /// counts, so the order never costs a more urgent patient a place): a minimum-cost maximum flow from the groups
    /// to the hospitals that meet their need and are within `reachMinutes`, with each hospital's count as capacity.
    /// Exact: placed patients maximal, then total drive time minimal (drive times in tenths of a minute).
    public static func plan(_ groups: [MANVPatientGroup], offers: [MANVHospitalOffer], reachMinutes: Double = .infinity) -> MANVPlan {
        let hospitals = offers.sorted { ($0.driveMinutes, $0.hospital) < ($1.driveMinutes, $1.hospital) }
        var assignments: [MANVPlan.Assignment] = []
        var unplaced: [MANVPatientGroup] = []
        for category in Sichtungskategorie.allCases {
            let mine = groups.filter { $0.category == category && $0.count > 0 }
            guard !mine.isEmpty else { continue }
            // Nodes: source 0, groups 1…g, hospitals g+1…g+h, sink g+h+1.
            let g = mine.count, h = hospitals.count, sink = g + h + 1
            var net = MinCostFlow(nodes: g + h + 2)
            var links: [(group: Int, hospital: Int, edge: (Int, Int))] = []
            for (i, group) in mine.enumerated() {
                net.add(from: 0, to: 1 + i, capacity: group.count, cost: 0)
                for (j, offer) in hospitals.enumerated()
                where offer.driveMinutes <= reachMinutes && offer.resources.isSuperset(of: group.need) && (offer.accepts[category] ?? 0) > 0 {
                    links.append((i, j, net.add(from: 1 + i, to: 1 + g + j, capacity: group.count, cost: Int((offer.driveMinutes * 10).rounded()))))
                }
            }
            for (j, offer) in hospitals.enumerated() {
                net.add(from: 1 + g + j, to: sink, capacity: max(0, offer.accepts[category] ?? 0), cost: 0)
            }
            _ = net.run(from: 0, to: sink)
            var placed = [Int](repeating: 0, count: g)
            for link in links {
                let n = net.flow(link.edge)
                guard n > 0 else { continue }
                placed[link.group] += n
                assignments.append(.init(group: mine[link.group], hospital: hospitals[link.hospital].hospital, patients: n,
                                         driveMinutes: hospitals[link.hospital].driveMinutes))
            }
            for (i, group) in mine.enumerated() where placed[i] < group.count {
                unplaced.append(MANVPatientGroup(category: category, need: group.need, count: group.count - placed[i]))
            }
        }
        let total = assignments.map { Double($0.patients) * $0.driveMinutes }.reduce(0, +)
        return MANVPlan(assignments: assignments, unplaced: unplaced, totalMinutes: total)
    }
}
