/// A WGS84 position in decimal degrees.
public struct GeoPoint: Hashable, Sendable, Codable {
    public let lat: Double
    public let lon: Double

    /// Returns nil unless -90 ≤ lat ≤ 90 and -180 ≤ lon ≤ 180 (and both are finite).
    public init?(lat: Double, lon: Double) {
        guard lat.isFinite, lon.isFinite, (-90...90).contains(lat), (-180...180).contains(lon) else { return nil }
        self.lat = lat
        self.lon = lon
    }

    /// Mean earth radius (IUGG) in km.
    public static let earthRadiusKm = 6371.0088

    /// Great-circle distance in km (haversine).
    public func distanceKm(to other: GeoPoint) -> Double {
        UnitVector(self).distanceKm(to: UnitVector(other))
    }
}

/// A position as a unit vector, so that a great-circle distance costs one square root and one arcsine.
public struct UnitVector: Sendable, Hashable, Codable {
    public let x: Double, y: Double, z: Double

    public init(_ p: GeoPoint) {
        let la = p.lat * .pi / 180, lo = p.lon * .pi / 180
        let c = cos(la)
        x = c * cos(lo)
        y = c * sin(lo)
        z = sin(la)
    }

    /// Chord length on the unit sphere; monotonic in the great-circle distance.
    @inline(__always)
    public func chord(to o: UnitVector) -> Double {
        let dx = x - o.x, dy = y - o.y, dz = z - o.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }

    @inline(__always)
    public func distanceKm(to o: UnitVector) -> Double {
        2 * asin(min(1, chord(to: o) / 2)) * GeoPoint.earthRadiusKm
    }

    /// `distanceKm(to:)` with the half chord for the arcsine of it: never more than the distance (arcsin x ≥ x, and a
    /// faithfully rounded arcsine of a double x is not below x; the other operations are the same), without the arcsine.
    @inline(__always)
    public func chordKmAtMost(to o: UnitVector) -> Double {
        2 * min(1, chord(to: o) / 2) * GeoPoint.earthRadiusKm
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Double {
    /// Rounded to `p` decimal places, halves away from zero (what answers and tables show).
    @inlinable
    public func rounded(toPlaces p: Int) -> Double {
        var f = 1.0
        for _ in 0..<p { f *= 10 }
        return (self * f).rounded() / f
    }
}
