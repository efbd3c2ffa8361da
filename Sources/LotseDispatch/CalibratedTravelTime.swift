import Foundation
import LotseCapacity
import LotseDomain

/// The default travel model (issue 15), fitted on road-network drive times of MV's municipalities by
/// `scripts/fit_travel_model.py` (parameters and accuracy in `Resources/travel-model.json`, Docs/RANKING.md):
///
///     minutes = originMinutes(position) + road km / speed(road km) × 60
///     road km = great-circle km × detour,  speed = vLong − (vLong − vShort) · e^(−road km / dHalf)
///
/// `originMinutes` is a 0.02° grid over MV (bilinear): the access time at the local settlement density plus a local
/// correction learnt from the residuals of nearby municipalities (bridges, peninsulas, lakes, the Haff). With
/// Sondersignal (urgency 1) the minutes are multiplied by `sondersignalFactor`.
public struct CalibratedTravelTime: TravelTimeModel {
    public struct File: Decodable, Sendable {
        public struct Parameters: Decodable, Sendable {
            public let detour: Double
            public let vShort: Double
            public let vLong: Double
            public let dHalf: Double
        }

        public struct Grid: Decodable, Sendable {
            public let lat0: Double
            public let lon0: Double
            public let step: Double
            public let rows: Int
            public let columns: Int
            public let outsideMinutes: Double
            public let minutes: [Double]
        }

        public let name: String
        public let version: String
        public let parameters: Parameters
        public let sondersignalFactor: Double
        public let originGrid: Grid
    }

    public let file: File
    /// `road km / speed(road km) × 60` every `tableStep` km up to `tableKm` with the rise to the next entry, interpolated
    /// linearly (one load and one multiply-add per look-up): the ranking's loop then needs no `exp` per hospital
    /// (measured: the exact formula cost DE dispatch ≈ 10 µs per query).
    private let roadTable: [SIMD2<Double>]
    private static let tableStep = 0.25, perStep = 4.0, tableKm = 1500.0
    /// Whether the road minutes never fall as the road grows (checked on the table): what `minutesAtLeast` rests on.
    private let roadMinutesRise: Bool
    public var name: String { "\(file.name)/\(file.version)" }
    public var needsHospitalID: Bool { false }

    public init(file: File) throws(DispatchError) {
        let p = file.parameters, g = file.originGrid
        guard p.detour >= 1, p.vShort > 0, p.vLong >= p.vShort, p.dHalf > 0, file.sondersignalFactor > 0, file.sondersignalFactor <= 1,
              g.rows >= 2, g.columns >= 2, g.minutes.count == g.rows * g.columns, g.step > 0, g.outsideMinutes.isFinite,
              g.minutes.allSatisfy({ $0.isFinite && $0 >= -30 && $0 <= 120 })
        else { throw .invalidParameters }
        self.file = file
        let table = (0...Int(Self.tableKm / Self.tableStep) + 1).map { Self.exactRoadMinutes(km: Double($0) * Self.tableStep, p) }
        roadTable = (0..<table.count).map { SIMD2(table[$0], $0 + 1 < table.count ? table[$0 + 1] - table[$0] : 0) }
        roadMinutesRise = roadTable.allSatisfy { $0.y >= 0 }
    }

    static func exactRoadMinutes(km road: Double, _ p: File.Parameters) -> Double {
        let speed = p.vLong - (p.vLong - p.vShort) * exp(-road / p.dHalf)
        return road / speed * 60
    }

    /// The model shipped with Lotse.
    public static let shipped: CalibratedTravelTime = {
        guard let url = Bundle.module.url(forResource: "travel-model", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data),
              let model = try? CalibratedTravelTime(file: file)
        else { fatalError("Resources/travel-model.json is missing or invalid (scripts/fit_travel_model.py writes it)") }
        return model
    }()

    public func origin(_ position: UnitVector) -> TravelOrigin {
        TravelOrigin(vector: position, minutes: originMinutes(lat: asin(max(-1, min(1, position.z))) * 180 / .pi,
                                                              lon: atan2(position.y, position.x) * 180 / .pi))
    }

    /// Access time and local correction at a position (bilinear between the grid's cells; outside MV a constant).
    public func originMinutes(lat: Double, lon: Double) -> Double {
        let g = file.originGrid
        let r = (lat - g.lat0) / g.step, c = (lon - g.lon0) / g.step
        guard r >= 0, c >= 0, r <= Double(g.rows - 1), c <= Double(g.columns - 1) else { return g.outsideMinutes }
        let r0 = min(Int(r), g.rows - 2), c0 = min(Int(c), g.columns - 2)
        let fr = r - Double(r0), fc = c - Double(c0)
        let m = g.minutes, i = r0 * g.columns + c0
        let top = m[i] * (1 - fc) + m[i + 1] * fc
        let bottom = m[i + g.columns] * (1 - fc) + m[i + g.columns + 1] * fc
        return top * (1 - fr) + bottom * fr
    }

    @inline(__always)
    public func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
        let road = origin.vector.distanceKm(to: destination) * file.parameters.detour
        let minutes = max(0, origin.minutes) + roadMinutes(km: road)
        return (urgency == .red ? minutes * file.sondersignalFactor : minutes, road)
    }

    /// The drive with the chord for the arc (`UnitVector.chordKmAtMost`), when the road minutes rise with the road.
    @inline(__always)
    public func minutesAtLeast(from origin: TravelOrigin, at destination: UnitVector, urgency: Urgency) -> Double {
        guard roadMinutesRise else { return -.infinity }
        let minutes = max(0, origin.minutes) + roadMinutes(km: origin.vector.chordKmAtMost(to: destination) * file.parameters.detour)
        return urgency == .red ? minutes * file.sondersignalFactor : minutes
    }

    /// Minutes for `km` of road at the length-dependent speed (no access time).
    @inline(__always)
    public func roadMinutes(km road: Double) -> Double {
        let x = road * Self.perStep
        guard x >= 0, x < Double(roadTable.count - 1) else { return Self.exactRoadMinutes(km: road, file.parameters) }
        let i = Int(x)
        let entry = roadTable[i]
        return entry.x + entry.y * (x - Double(i))
    }
}
