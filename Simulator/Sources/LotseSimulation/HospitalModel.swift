import Foundation
import LotseDemand
import LotseDomain

/// The simulated truth of one hospital, which Lotse only learns from reports: beds per category (operable as in
/// the demo state), occupied by the other patients (a birth–death process per hour that keeps
/// `backgroundOccupancy` on average) and by the simulated ambulance patients (each with a length of stay).
struct HospitalModel {
    let slot: Int
    let id: HospitalID
    let profile: ResourceSet
    let operable: [Int]
    /// Beds used by other patients, per category index.
    var background: [Int]
    /// Beds used by simulated ambulance patients, per category index.
    var ambulance: [Int]
    /// Resources this hospital closed because a bed category was full (the simulation's own bookkeeping).
    var closedForBeds: Set<ResourceKey> = []
    /// Resources out of service (device or team outage) until the given time.
    var outages: [ResourceKey: Timestamp] = [:]
    let reporting: Scenario.ReportingClass

    static let categories = BedCategory.allCases

    init(slot: Int, id: HospitalID, profile: ResourceSet, beds: [BedCategory: BedCount], reporting: Scenario.ReportingClass, initialOccupancy: Double) {
        self.slot = slot
        self.id = id
        self.profile = profile
        self.reporting = reporting
        operable = Self.categories.map { beds[$0]?.operable ?? 0 }
        background = operable.map { Int((Double($0) * initialOccupancy).rounded()) }
        ambulance = operable.map { _ in 0 }
    }

    func occupied(_ c: Int) -> Int { background[c] + ambulance[c] }
    func free(_ c: Int) -> Int { max(0, operable[c] - occupied(c)) }

    /// Free beds of the pool a patient of category `c` can use (ICU high and low care together).
    func pooledFree(_ c: BedCategory) -> Int { c.pooled.reduce(0) { $0 + free($1.index) } }
    func pooledOperable(_ c: BedCategory) -> Int { c.pooled.reduce(0) { $0 + operable[$1.index] } }

    /// The bed report Lotse gets: free and operable per category the hospital has.
    var report: [BedCategory: BedCount] {
        var out: [BedCategory: BedCount] = [:]
        for c in Self.categories where operable[c.index] > 0 { out[c] = BedCount(free: free(c.index), operable: operable[c.index]) }
        return out
    }

    /// Takes a patient into the pool of `c`; returns the category index used (may overfill: the duty to treat remains).
    mutating func admit(_ c: BedCategory) -> Int {
        let pool = c.pooled.map(\.index)
        let use = pool.first { free($0) > 0 } ?? pool.first { operable[$0] > 0 } ?? c.index
        ambulance[use] += 1
        return use
    }

    mutating func discharge(_ category: Int) { ambulance[category] = max(0, ambulance[category] - 1) }

    /// One hour of the other patients: arrivals keep `occupancy` × operable on average (Little: λ = occupancy ×
    /// beds / length of stay); each patient leaves with probability 1 / (length of stay in hours).
    mutating func backgroundHour(occupancy: Double, losDays: [Double], rng: inout SimRandom) {
        for c in 0..<operable.count where operable[c] > 0 {
            let losHours = losDays[c] * 24
            let arrivals = rng.poisson(occupancy * Double(operable[c]) / losHours)
            let departures = rng.poisson(Double(background[c]) / losHours)
            background[c] = max(0, background[c] + arrivals - min(departures, background[c]))
        }
    }

    /// The resource a full bed category makes the hospital close (IVENA practice: close the specialty).
    static func resource(closedWhenFull c: BedCategory) -> ResourceKey {
        switch c {
        case .icuHighCare, .icuLowCare: .icu
        case .ecmo: .ecmo
        case .normal: .internalMedicine
        case .pediatric: .pediatrics
        case .pediatricICU: .pediatricICU
        }
    }

    /// The status a hospital reports for a resource: `limited` when the beds behind it are down to one.
    func reportedStatus(_ key: ResourceKey) -> ReportedStatus {
        for c in [BedCategory.icuHighCare, .normal, .pediatric, .pediatricICU] where Self.resource(closedWhenFull: c) == key {
            let total = pooledOperable(c)
            if total > 0, pooledFree(c) <= 1 { return .limited }
        }
        return .available
    }
}

/// Resources that fail as devices or teams (outages), as opposed to beds.
let outageResources: [ResourceKey] = [.ct, .cathLab, .strokeUnit, .mri, .thrombectomy]
