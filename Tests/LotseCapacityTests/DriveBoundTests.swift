import Foundation
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseSeed
import Synchronization
import Testing

/// The ranking skips the drive of a site whose bound (`minutesAtLeast`, no arcsine) already loses against its list's
/// last place (issue 16). The bound never exceeds the drive, and the answers are the ones without it, word for word.
@Suite struct DriveBoundTests {
    /// How many drives a model computed.
    final class Drives: Sendable {
        let count = Mutex(0)
    }

    /// A model as another, counting its drives; with `bound` false it offers no bound (every drive computed).
    struct Counted: TravelTimeModel {
        let model: any TravelTimeModel
        let bound: Bool
        let drives = Drives()
        var name: String { model.name }
        var needsHospitalID: Bool { model.needsHospitalID }
        func origin(_ position: UnitVector) -> TravelOrigin { model.origin(position) }
        func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
            drives.count.withLock { $0 += 1 }
            return model.drive(from: origin, to: hospital, at: destination, urgency: urgency)
        }
        func minutesAtLeast(from origin: TravelOrigin, at destination: UnitVector, urgency: Urgency) -> Double {
            bound ? model.minutesAtLeast(from: origin, at: destination, urgency: urgency) : -.infinity
        }
    }

    static let greatCircle = GreatCircleTravelTime(parameters: DispatchParameters())

    func randomVector(_ rng: inout SplitMix64, lat: ClosedRange<Double> = -89...89, lon: ClosedRange<Double> = -180...180) -> UnitVector {
        UnitVector(GeoPoint(lat: Double.random(in: lat, using: &rng), lon: Double.random(in: lon, using: &rng))!)
    }

    /// The road minutes never fall as the road grows, across the table's cells (every 0.25 km, approached from below)
    /// and at its end (1 500 km, where the exact formula takes over) — beyond the rounding the bound's margin absorbs.
    @Test func roadMinutesRiseAcrossTheTablesSeams() {
        let model = CalibratedTravelTime.shipped
        for k in 1...6_010 {
            let km = Double(k) * 0.25
            let below = model.roadMinutes(km: km.nextDown), at = model.roadMinutes(km: km), above = model.roadMinutes(km: km + 0.1)
            #expect(below <= at + 1e-9 && at <= above + 1e-9, "\(km) km: \(below), \(at), \(above)")
        }
    }

    /// Random pairs — from MV to the same point, a metre away, across MV, anywhere on earth: the bound is never above
    /// the drive.
    @Test func theBoundIsNeverAboveTheDrive() {
        var rng = SplitMix64(seed: 1616)
        let models: [any TravelTimeModel] = [CalibratedTravelTime.shipped, Self.greatCircle]
        for i in 0..<20_000 {
            let a = i % 4 == 1 ? UnitVector(GeoPoint(lat: 53.5 + Double(i % 1000) * 1e-3 + 1e-5, lon: 12.0)!)
                : randomVector(&rng, lat: 53.1...54.7, lon: 10.6...14.4)
            let b: UnitVector = switch i % 4 {
            case 0: a
            case 1: UnitVector(GeoPoint(lat: 53.5 + Double(i % 1000) * 1e-3, lon: 12.0)!)
            case 2: randomVector(&rng, lat: 53.1...54.7, lon: 10.6...14.4)
            default: randomVector(&rng)
            }
            #expect(a.chordKmAtMost(to: b) <= a.distanceKm(to: b))
            for m in models {
                for urgency in [Urgency.red, .yellow, .green] {
                    let o = m.origin(a)
                    #expect(m.minutesAtLeast(from: o, at: b, urgency: urgency) <= m.drive(from: o, to: nil, at: b, urgency: urgency).minutes)
                }
            }
        }
    }

    /// Random capacity states and queries with small limits (the lists fill, the bound skips): the same answers as
    /// without the bound, and fewer drives.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func answersWithTheBoundAreTheAnswersWithout(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let (index, now) = try await randomIndex(&rng)
        let table = try ReferenceData.requirementTable()
        let codes = table.rows.values.filter { $0.isAllocationCode && !$0.required.isEmpty }.sorted { $0.rmi < $1.rmi }
        for (name, model) in [("calibrated", CalibratedTravelTime.shipped as any TravelTimeModel), ("great-circle", Self.greatCircle)] {
            let with = Counted(model: model, bound: true), without = Counted(model: model, bound: false)
            let shipped = try DispatchRanking(table: table, travel: model)  // the specialised loop, as Lotse runs it
            let bounded = try DispatchRanking(table: table, travel: with), unbounded = try DispatchRanking(table: table, travel: without)
            for _ in 0..<200 {
                let req = codes.randomElement(using: &rng)!
                let urgency = req.allowedUrgencies.sorted().randomElement(using: &rng)!
                let pos = GeoPoint(lat: Double.random(in: 52.5...55.0, using: &rng), lon: Double.random(in: 10.0...15.0, using: &rng))!
                let q = try DispatchQuery(position: pos, rmi: req.rmi, urgency: urgency, age: Int.random(in: 0...99, using: &rng),
                                          limit: Int.random(in: 1...6, using: &rng))
                let at = now.adding(minutes: Double(Int.random(in: 0...900, using: &rng)))
                let reference = try unbounded.rank(q, in: index, at: at)
                #expect(try bounded.rank(q, in: index, at: at) == reference, "\(name): \(q)")
                #expect(try shipped.rank(q, in: index, at: at) == reference, "\(name) specialised: \(q)")
            }
            let (drivesWith, drivesWithout) = (with.drives.count.withLock { $0 }, without.drives.count.withLock { $0 })
            #expect(drivesWith < drivesWithout * 3 / 4, "\(name): the bound skipped drives (\(drivesWith) of \(drivesWithout))")
        }
    }
}
