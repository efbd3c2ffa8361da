import Benchmark
import LotseDispatch
import LotseDomain
import LotseMANV
import LotseSeed

/// The MANV distribution plan (issue 18): the simulator's A20 incident over MV's sites (what a Leitstelle computes,
/// again on every re-plan), and a large incident over every German site within two hours (the planner's worst case
/// here: hundreds of hospitals, a thousand patients).
func manvBenchmarks() {
    Benchmark("MANV plan – 40 patients, MV sites (A20 Tessin)", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(3))) { benchmark in
        let offers = try manvOffers(try Seeder.registrations().map(\.0), around: GeoPoint(lat: 54.035, lon: 12.47)!, reach: 60)
        let groups = [MANVPatientGroup(category: .red, count: 6), MANVPatientGroup(category: .red, need: ResourceSet([.traumaCenter]), count: 2),
                      MANVPatientGroup(category: .yellow, count: 12), MANVPatientGroup(category: .green, count: 20)]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(MANVPlanner.plan(groups, offers: offers)) }
    }
    Benchmark("MANV plan – 1 000 patients, German sites within 120 min", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 50)) { benchmark in
        let offers = try manvOffers(try GermanySites.registrations(), around: GeoPoint(lat: 52.52, lon: 13.40)!, reach: 120)
        let groups = [MANVPatientGroup(category: .red, count: 150), MANVPatientGroup(category: .red, need: ResourceSet([.traumaCenter]), count: 50),
                      MANVPatientGroup(category: .red, need: ResourceSet([.pediatrics]), count: 20), MANVPatientGroup(category: .yellow, count: 280),
                      MANVPatientGroup(category: .green, count: 500)]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(MANVPlanner.plan(groups, offers: offers)) }
    }
}

/// Offers of every site with an emergency department within `reach` minutes: drive times from the shipped travel model,
/// counts by Notfallstufe (3: 3/6/10, 2: 2/4/8, 1: 1/3/5 — the simulator's assumption without the size factor).
func manvOffers(_ sites: [HospitalRegistration], around place: GeoPoint, reach: Double) throws -> [MANVHospitalOffer] {
    let travel = CalibratedTravelTime.shipped
    let origin = travel.origin(UnitVector(place))
    return sites.compactMap { s in
        guard s.notfallstufe >= 1 else { return nil }
        let minutes = travel.drive(from: origin, to: nil, at: UnitVector(s.position), urgency: .red).minutes
        guard minutes <= reach else { return nil }
        let c: MANVCounts = s.notfallstufe >= 3 ? MANVCounts(red: 3, yellow: 6, green: 10) : s.notfallstufe == 2 ? MANVCounts(red: 2, yellow: 4, green: 8)
            : MANVCounts(red: 1, yellow: 3, green: 5)
        return MANVHospitalOffer(hospital: s.id, driveMinutes: (minutes * 10).rounded() / 10, accepts: c.byCategory, resources: s.profile)
    }
}
