import Foundation
import LotseCapacity
import LotseDomain

/// How long the drive from a position to a hospital takes. Pluggable: the calibrated default, a routing engine's
/// matrix, or the old great-circle rule.
public protocol TravelTimeModel: Sendable {
    /// What depends on the origin only, computed once per query (not per hospital).
    func origin(_ position: UnitVector) -> TravelOrigin
    /// Drive minutes and road kilometres from `origin` to a hospital at `destination`. `hospital` is the site's
    /// id when `needsHospitalID` is true (a matrix model looks it up), else nil (spares the hot loop a retain).
    func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double)
    var needsHospitalID: Bool { get }
    /// A bound the drive to a hospital at `destination` never falls below, cheaper than the drive (no arcsine): the
    /// ranking skips the drive of a hospital whose bound already loses against its lists' last places. `-infinity` (the
    /// default): no bound, every drive computed.
    func minutesAtLeast(from origin: TravelOrigin, at destination: UnitVector, urgency: Urgency) -> Double
    /// The model's name and version for the answer (`calibrated-mv/mv-2026.12-1`, `matrix:…`, `great-circle`).
    var name: String { get }
}

/// An origin as a model prepared it: the position, and minutes that depend on it alone (access, local detours).
public struct TravelOrigin: Sendable {
    public let vector: UnitVector
    public let minutes: Double
    /// For a matrix model: the row of the nearest known origin, and the calibrated model's origin minutes for the
    /// sites the matrix does not know.
    public let cell: Int
    public let fallbackMinutes: Double

    public init(vector: UnitVector, minutes: Double = 0, cell: Int = -1, fallbackMinutes: Double = 0) {
        self.vector = vector
        self.minutes = minutes
        self.cell = cell
        self.fallbackMinutes = fallbackMinutes
    }
}

extension TravelTimeModel {
    public func origin(_ position: UnitVector) -> TravelOrigin { TravelOrigin(vector: position) }
    public func minutesAtLeast(from origin: TravelOrigin, at destination: UnitVector, urgency: Urgency) -> Double { -.infinity }

    /// One drive from a position (callers outside the ranking's loop).
    public func drive(from position: UnitVector, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
        drive(from: origin(position), to: hospital, at: destination, urgency: urgency)
    }
}

/// The model before issue 15: great-circle distance × detour factor at the urgency's average speed (too fast: MAE
/// 4.8 min against road-network drive times). Kept for comparison and for `DispatchParameters`' speeds.
public struct GreatCircleTravelTime: TravelTimeModel {
    public let parameters: DispatchParameters
    public init(parameters: DispatchParameters) { self.parameters = parameters }
    public var name: String { "great-circle" }
    public var needsHospitalID: Bool { false }

    @inline(__always)
    public func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
        let km = origin.vector.distanceKm(to: destination) * parameters.detourFactor
        return (km / parameters.speedKmh(urgency) * 60, km)
    }

    /// The drive with the chord for the arc (`UnitVector.chordKmAtMost`): the same operations on a smaller distance.
    @inline(__always)
    public func minutesAtLeast(from origin: TravelOrigin, at destination: UnitVector, urgency: Urgency) -> Double {
        origin.vector.chordKmAtMost(to: destination) * parameters.detourFactor / parameters.speedKmh(urgency) * 60
    }
}
