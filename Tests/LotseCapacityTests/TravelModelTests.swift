import Foundation
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseSeed
import Testing

/// The calibrated travel model (issue 15) as Lotse ships it: the same numbers as the fitting script's own
/// implementation, close to road-network drive times, Sondersignal faster, named in every answer.
@Suite struct TravelModelTests {
    let model = CalibratedTravelTime.shipped
    /// The emergency departments the model was fitted to: every MV site with a G-BA emergency level.
    let departments = try! Seeder.registrations().map(\.0).filter { $0.notfallstufe >= 1 }.map { UnitVector($0.position) }

    func nearest(_ p: GeoPoint, _ m: any TravelTimeModel, urgency: Urgency = .yellow) -> Double {
        let o = m.origin(UnitVector(p))
        return departments.map { m.drive(from: o, to: nil, at: $0, urgency: urgency).minutes }.min()!
    }

    @Test func swiftAndTheFittingScriptComputeTheSameMinutes() throws {
        struct Checks: Decodable {
            struct Check: Decodable { let ags: String, lat: Double, lon: Double, minutes: Double }
            let checks: [Check]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LotseDispatch/Resources/travel-model.json")
        let checks = try JSONDecoder().decode(Checks.self, from: Data(contentsOf: url)).checks
        #expect(departments.count == 29 && checks.count == 60)
        for c in checks {
            #expect(abs(nearest(GeoPoint(lat: c.lat, lon: c.lon)!, model) - c.minutes) < 0.01, "\(c.ags)")
        }
    }

    @Test func closeToRoadNetworkDriveTimesAndFarBetterThanTheGreatCircleRule() throws {
        let rows = CSV.parse(try ReferenceData.text("mv_drive_minutes_to_ed.csv"))
        let places = Dictionary(uniqueKeysWithValues: CSV.parse(try ReferenceData.text("mv_gemeinden.csv")).dropFirst().map {
            ($0[0], GeoPoint(lat: Double($0[5])!, lon: Double($0[6])!)!)
        })
        var errors: [Double] = [], old: [Double] = []
        let greatCircle = GreatCircleTravelTime(parameters: DispatchParameters())
        for r in rows.dropFirst() {
            let p = try #require(places[r[0]]), observed = try #require(Double(r[2]))
            errors.append(nearest(p, model) - observed)
            old.append(nearest(p, greatCircle) - observed)
        }
        let mae = errors.map(abs).reduce(0, +) / Double(errors.count), bias = errors.reduce(0, +) / Double(errors.count)
        let oldMAE = old.map(abs).reduce(0, +) / Double(old.count)
        #expect(errors.count == 492)
        // On the municipalities it was fitted to (the cross-validated figures on unseen ones are in Docs/RANKING.md).
        #expect(mae < 2.0 && abs(bias) < 0.5, "MAE \(mae), bias \(bias)")
        #expect(oldMAE > mae + 2, "great-circle MAE \(oldMAE)")
    }

    @Test func sondersignalIsFasterByItsFactorAndOutsideMVTheAccessIsAConstant() throws {
        let bergen = UnitVector(GeoPoint(lat: 54.4166, lon: 13.4365)!), dranske = UnitVector(GeoPoint(lat: 54.6333, lon: 13.2283)!)
        let o = model.origin(dranske)
        let yellow = model.drive(from: o, to: nil, at: bergen, urgency: .yellow), red = model.drive(from: o, to: nil, at: bergen, urgency: .red)
        #expect(abs(red.minutes - yellow.minutes * model.file.sondersignalFactor) < 1e-9 && red.km == yellow.km)
        #expect(yellow.km > dranske.distanceKm(to: bergen) && yellow.minutes > 20 && yellow.minutes < 45)
        #expect(model.originMinutes(lat: 48.1, lon: 11.6) == model.file.originGrid.outsideMinutes)
        // Farther is never faster from the same origin.
        let far = UnitVector(GeoPoint(lat: 53.63, lon: 11.41)!)
        #expect(model.drive(from: o, to: nil, at: far, urgency: .yellow).minutes > yellow.minutes)
    }

    @Test func everyAnswerNamesTheModelAndItsVersion() throws {
        let ranking = try DispatchRanking(table: try ReferenceData.requirementTable())
        #expect(ranking.travel.name == "calibrated-mv/\(model.file.version)")
        #expect(try DispatchRanking(table: try ReferenceData.requirementTable(), travel: GreatCircleTravelTime(parameters: DispatchParameters())).travel.name
                == "great-circle")
    }
}

/// An operator's routing-engine matrix (issue 15): the ranking uses it, positions between are taken from the nearest
/// origin plus the last kilometres, sites it does not know fall back to the calibrated model.
@Suite struct MatrixTravelModelTests {
    let dranske = GeoPoint(lat: 54.6333, lon: 13.2283)!

    /// A tiny matrix that makes Bergen (the nearest by road) slow: a closed bridge, say.
    let csv = """
        origin,lat,lon,hospital,minutes,km
        13073019,54.6333,13.2283,772096,95,80
        13073019,54.6333,13.2283,771436,40,55
        13073088,54.3093,13.0818,771436,6,4
        """

    @Test func theRankingUsesTheMatrixAndNamesIt() async throws {
        let matrix = try MatrixTravelTime(csv: csv, source: "tiny.csv")
        let p = CapacityProjector(store: try await seededStore())
        _ = try await p.rebuild()
        let idx = p.snapshot
        let q = try DispatchQuery(position: dranske, pzc: try PZC(parsing: "421701"))
        let shipped = try DispatchRanking(table: try ReferenceData.requirementTable()).rank(q, in: idx, at: t0)
        let ranked = try DispatchRanking(table: try ReferenceData.requirementTable(), travel: matrix).rank(q, in: idx, at: t0)
        #expect(shipped.candidates.first?.hospitalId.rawValue == "772096")
        #expect(ranked.candidates.first?.hospitalId.rawValue == "771436")
        #expect(ranked.travelTimeModel == "matrix:tiny.csv+\(CalibratedTravelTime.shipped.name)")
        let stralsund = try #require(ranked.candidates.first { $0.hospitalId.rawValue == "771436" })
        #expect(abs(stralsund.driveMinutes - 40 * 0.8) < 0.01 && stralsund.distanceKm == 55)  // Sondersignal
        // A site the matrix does not know: the calibrated model's minutes.
        let other = try #require(ranked.candidates.first { !["771436", "772096"].contains($0.hospitalId.rawValue) })
        let same = try #require(shipped.candidates.first { $0.hospitalId == other.hospitalId })
        #expect(abs(other.driveMinutes - same.driveMinutes) < 0.01)
    }

    @Test func aPositionBetweenTakesItsNearestOriginPlusTheLastKilometres() throws {
        let matrix = try MatrixTravelTime(csv: csv, source: "tiny.csv")
        let stralsund = UnitVector(GeoPoint(lat: 54.3093, lon: 13.0818)!)
        let near = GeoPoint(lat: 54.6200, lon: 13.2500)!  // about 2 km from Dranske's point
        let o = matrix.origin(UnitVector(near))
        #expect(matrix.origins[o.cell].label == "13073019")
        let site = HospitalID("771436")!
        let d = matrix.drive(from: o, to: site, at: stralsund, urgency: .yellow)
        #expect(d.minutes > 40 && d.minutes < 45)
        #expect(abs(matrix.drive(from: o, to: site, at: stralsund, urgency: .red).minutes - d.minutes * 0.8) < 1e-9)
    }

    @Test(arguments: [
        ("origin,lat,lon,site,minutes\n", "Kopfzeile"),
        ("origin,lat,lon,hospital,minutes\nx,54.6,13.2,772096\n", "Zeile 2"),
        ("origin,lat,lon,hospital,minutes\nx,154.6,13.2,772096,5\n", "Position"),
        ("origin,lat,lon,hospital,minutes\nx,54.6,13.2,772096,-5\n", "Minuten"),
        ("origin,lat,lon,hospital,minutes\n", "ohne Zeilen"),
    ])
    func aMatrixThatDoesNotParseIsRefusedWithItsLine(text: String, says: String) {
        #expect {
            _ = try MatrixTravelTime(csv: text, source: "x.csv")
        } throws: { "\($0)".contains(says) }
    }
}
