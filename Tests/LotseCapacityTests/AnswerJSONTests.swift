import Foundation
import LotseCapacity
import LotseDomain
import LotseSeed
import Testing

/// The hand-written dispatch JSON is the same document `JSONEncoder` produces, for varied answers.
@Suite struct AnswerJSONTests {
    @Test func fastWriterAgreesWithJSONEncoder() async throws {
        var rng = SplitMix64(seed: 5)
        let store = try await seededStore()
        let service = CapacityService(store: store)
        let ids = try Seeder.registrations().map(\.0.id)
        var now = t0
        for _ in 0..<150 {
            now = now.adding(minutes: 3)
            let (id, c) = randomCommand(ids, &rng, now: now)
            _ = try? await service.execute(c, hospital: id, by: .importer, at: now)
        }
        _ = try await service.execute(.close(.ct, reason: "Zeile \"1\"\nTab\t\\ 🚑", until: now.adding(minutes: 60)), hospital: HospitalID("772096")!, by: .importer, at: now)
        let p = CapacityProjector(store: store)
        _ = try await p.rebuild()
        let ranking = try DispatchRanking(table: try ReferenceData.requirementTable())
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        for pzc in ["421701", "132051", "211451", "272353", "222053"] {
            for district in [nil, "Vorpommern-Rügen"] {
                let q = try DispatchQuery(position: GeoPoint(lat: 54.2, lon: 13.0)!, pzc: try PZC(parsing: pzc), district: district.map(DistrictID.init), limit: 7)
                let a = try p.withIndex { try ranking.rank(q, in: $0, at: now.adding(minutes: 5)) }
                let fast = try JSONSerialization.jsonObject(with: Data(a.jsonBytes())) as? NSDictionary
                let reference = try JSONSerialization.jsonObject(with: enc.encode(a)) as? NSDictionary
                #expect(fast != nil && fast == reference, "\(pzc) \(district ?? "-")")
            }
        }
    }
}
