import LotseCapacity
import LotseDomain
import LotseSeed

/// The demo capacity state of a set of registrations, built through `decide`/`evolve` (no store needed).
func demoIndex(_ registrations: [HospitalRegistration], at now: Timestamp) throws -> CapacityIndex {
    var index = CapacityIndex()
    var position: Int64 = 0
    var states: [HospitalID: HospitalState] = [:]
    func apply(_ id: HospitalID, _ command: HospitalCommand) throws {
        for e in try HospitalAggregate.decide(command, state: states[id], now: now) {
            position += 1
            states[id] = HospitalAggregate.evolve(states[id], e)
            index.apply(e, at: position)
        }
    }
    for r in registrations {
        try apply(r.id, .register(r))
        for k in r.profile { try apply(r.id, .reportStatus(k, .available)) }
        try apply(r.id, .reportBeds([.icuHighCare: BedCount(free: 2, operable: 10), .normal: BedCount(free: 30, operable: 200)]))
    }
    return index
}

/// Deterministic query positions inside a bounding box (SplitMix64).
func positions(_ n: Int, lat: ClosedRange<Double>, lon: ClosedRange<Double>, seed: UInt64) -> [GeoPoint] {
    var state = seed
    func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    return (0..<n).map { _ in
        GeoPoint(lat: lat.lowerBound + next() * (lat.upperBound - lat.lowerBound), lon: lon.lowerBound + next() * (lon.upperBound - lon.lowerBound))!
    }
}
