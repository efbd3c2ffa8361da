import Foundation
import LotseDomain
import LotseMANV
import Testing

/// The plan against an independent solver on instances too large for the exhaustive search: `Tests/MANV/instances.json`
/// holds 40 random instances (up to 40 hospitals, four kinds of need, up to 30 patients per group) with networkx's
/// minimum-cost maximum flow per category; `.ci/run` checks with `Tests/MANV/solver_check.py` that the file is what
/// networkx computes.
@Suite struct MANVSolverCheckTests {
    struct File: Decodable {
        struct Group: Decodable { let category: Int; let need: [String]; let count: Int }
        struct Hospital: Decodable { let id: String; let driveMinutes: Double; let accepts: [String: Int]; let resources: [String] }
        struct Optimum: Decodable { let placed: Int; let costTenths: Int }
        struct Instance: Decodable {
            let seed: Int
            let reachMinutes: Double?
            let groups: [Group]
            let hospitals: [Hospital]
            let optimum: [String: Optimum]
        }
        let instances: [Instance]
    }

    static func load() throws -> File {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MANV/instances.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    func resources(_ names: [String]) throws -> ResourceSet {
        ResourceSet(try names.map { try #require(ResourceKey(rawValue: $0), "unknown resource \($0)") })
    }

    @Test func thePlanIsAsGoodAsNetworkxOnLargerInstances() throws {
        let file = try Self.load()
        #expect(file.instances.count == 40)
        for instance in file.instances {
            let groups = try instance.groups.map { g in
                MANVPatientGroup(category: try #require(Sichtungskategorie(rawValue: g.category)), need: try resources(g.need), count: g.count)
            }
            let offers = try instance.hospitals.map { h in
                MANVHospitalOffer(
                    hospital: try #require(HospitalID(h.id)), driveMinutes: h.driveMinutes,
                    accepts: Dictionary(uniqueKeysWithValues: try h.accepts.map { (try #require(Sichtungskategorie(rawValue: Int($0.key) ?? 0)), $0.value) }),
                    resources: try resources(h.resources))
            }
            let plan = MANVPlanner.plan(groups, offers: offers, reachMinutes: instance.reachMinutes ?? .infinity)
            let byID = Dictionary(uniqueKeysWithValues: offers.map { ($0.hospital, $0) })
            for category in Sichtungskategorie.allCases {
                let mine = plan.assignments.filter { $0.group.category == category }
                let cost = mine.map { $0.patients * Int(($0.driveMinutes * 10).rounded()) }.reduce(0, +)
                if let best = instance.optimum["\(category.rawValue)"] {
                    #expect(plan.placed(category) == best.placed, "seed \(instance.seed) \(category.germanLabel): placed")
                    #expect(cost == best.costTenths, "seed \(instance.seed) \(category.germanLabel): drive time")
                } else {
                    #expect(mine.isEmpty)
                }
                // Never over a count, never where the need is unmet or beyond reach; every patient placed or reported.
                var taken: [HospitalID: Int] = [:]
                for a in mine {
                    taken[a.hospital, default: 0] += a.patients
                    let offer = try #require(byID[a.hospital])
                    #expect(offer.resources.isSuperset(of: a.group.need) && offer.driveMinutes <= (instance.reachMinutes ?? .infinity))
                }
                for (h, n) in taken { #expect(n <= byID[h]?.accepts[category] ?? 0, "seed \(instance.seed): \(h) over its count") }
                let wanted = groups.filter { $0.category == category }.map(\.count).reduce(0, +)
                let left = plan.unplaced.filter { $0.category == category }.map(\.count).reduce(0, +)
                #expect(plan.placed(category) + left == wanted)
            }
        }
    }
}
