import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseSeed

/// A deterministic random generator (SplitMix64) so property tests can be replayed from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!

/// The MV demo state in an in-memory store at `t0`.
func seededStore(demo: Bool = true) async throws -> InMemoryEventStore {
    let store = InMemoryEventStore()
    _ = try await CapacityService(store: store).importHospitals(try Seeder.imports(), demo: demo, at: t0)
    return store
}

/// The MV demo after 300 random hospital commands a few minutes apart (some refused): the index, and the time of the
/// last command.
func randomIndex(_ rng: inout SplitMix64) async throws -> (index: CapacityIndex, now: Timestamp) {
    let store = try await seededStore()
    let service = CapacityService(store: store)
    let ids = try Seeder.registrations().map(\.0.id)
    var now = t0
    for _ in 0..<300 {
        now = now.adding(minutes: Double(Int.random(in: 0...6, using: &rng)))
        let (id, command) = randomCommand(ids, &rng, now: now)
        _ = try? await service.execute(command, hospital: id, by: .importer, at: now)
    }
    return (try await rebuiltIndex(store), now)
}

/// The index a projector rebuilds from `store`.
func rebuiltIndex(_ store: InMemoryEventStore) async throws -> CapacityIndex {
    let projector = CapacityProjector(store: store)
    _ = try await projector.rebuild()
    return projector.snapshot
}

/// A random hospital command that may or may not be accepted by `decide`.
func randomCommand(_ ids: [HospitalID], _ rng: inout SplitMix64, now: Timestamp) -> (HospitalID, HospitalCommand) {
    let id = ids.randomElement(using: &rng)!
    let key = ResourceKey.allCases.randomElement(using: &rng)!
    switch Int.random(in: 0..<10, using: &rng) {
    case 0...3:
        return (id, .reportStatus(key, Bool.random(using: &rng) ? .available : .limited))
    case 4, 5:
        return (id, .close(key, reason: "Grund \(Int.random(in: 0..<5, using: &rng))", until: now.adding(minutes: Double(Int.random(in: -30...600, using: &rng)))))
    case 6:
        return (id, .reopen(key))
    case 7:
        return (id, .expireClosure(key))
    case 8:
        let f = Int.random(in: -1...10, using: &rng)
        return (id, .reportBeds([.icuHighCare: BedCount(free: f, operable: 8), .normal: BedCount(free: 20, operable: 100)]))
    default:
        var p = ResourceSet(bits: UInt32.random(in: 0..<(1 << 28), using: &rng))
        p.insert(.ct)
        return (id, .changeProfile(profile: p, notfallstufe: Int.random(in: 0...3, using: &rng), kinderNotfallstufe: 0))
    }
}
