import Foundation
import LotseCapacity
import LotseDomain

/// Drive minutes from a routing engine (issue 15): a matrix from origins (municipalities or grid cells, each with its
/// position) to hospital sites, as an operator computes it with OSRM or the like (Docs/RANKING.md). A position is
/// taken to its nearest origin, and the last kilometres between them come from the calibrated model's road part. A
/// site the matrix does not know is driven to by the calibrated model alone; Sondersignal as there.
///
/// File: CSV with the header `origin,lat,lon,hospital,minutes` and optionally `km` — one row per origin and site.
public struct MatrixTravelTime: TravelTimeModel {
    public struct Origin: Sendable {
        public let label: String
        public let vector: UnitVector
    }

    public let origins: [Origin]
    /// Minutes (and road km, when given) by origin index and site.
    let rows: [[HospitalID: (minutes: Double, km: Double?)]]
    public let fallback: CalibratedTravelTime
    public let source: String
    public var name: String { "matrix:\(source)+\(fallback.name)" }
    public var needsHospitalID: Bool { true }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case header(String)
        case row(Int, String)
        case empty

        public var description: String {
            switch self {
            case let .header(h): "Fahrzeitmatrix: Kopfzeile „\(h)“ – erwartet origin,lat,lon,hospital,minutes[,km] / bad header"
            case let .row(n, why): "Fahrzeitmatrix Zeile \(n): \(why) / bad row"
            case .empty: "Fahrzeitmatrix ohne Zeilen / empty matrix"
            }
        }
    }

    /// Reads a matrix from CSV text; `source` names it in answers (the file's name).
    public init(csv text: String, source: String, fallback: CalibratedTravelTime = .shipped) throws(Failure) {
        let lines = CSV.parse(text)
        guard let header = lines.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else { throw .empty }
        guard Array(header.prefix(5)) == ["origin", "lat", "lon", "hospital", "minutes"], header.count <= 6, header.count == 5 || header[5] == "km" else {
            throw .header(header.joined(separator: ","))
        }
        var index: [String: Int] = [:]
        var origins: [Origin] = []
        var rows: [[HospitalID: (minutes: Double, km: Double?)]] = []
        for (n, r) in lines.enumerated().dropFirst() where !(r.count == 1 && r[0].isEmpty) {
            guard r.count == header.count else { throw .row(n + 1, "\(r.count) statt \(header.count) Spalten") }
            guard let lat = Double(r[1]), let lon = Double(r[2]), let p = GeoPoint(lat: lat, lon: lon) else { throw .row(n + 1, "Position ungültig") }
            guard let site = HospitalID(r[3]) else { throw .row(n + 1, "Klinik-Id „\(r[3])“ ungültig") }
            guard let minutes = Double(r[4]), minutes.isFinite, minutes >= 0, minutes < 24 * 60 else { throw .row(n + 1, "Minuten „\(r[4])“ ungültig") }
            var km: Double? = nil
            if header.count == 6 {
                guard let k = Double(r[5]), k.isFinite, k >= 0 else { throw .row(n + 1, "km „\(r[5])“ ungültig") }
                km = k
            }
            let i: Int
            if let known = index[r[0]] {
                i = known
            } else {
                i = origins.count
                index[r[0]] = i
                origins.append(Origin(label: r[0], vector: UnitVector(p)))
                rows.append([:])
            }
            rows[i][site] = (minutes, km)
        }
        guard !origins.isEmpty else { throw .empty }
        self.origins = origins
        self.rows = rows
        self.fallback = fallback
        self.source = source
    }

    /// The nearest origin, and the minutes of the last kilometres to it (the calibrated model's road part).
    public func origin(_ position: UnitVector) -> TravelOrigin {
        var best = 0, bestChord = Double.infinity
        for (i, o) in origins.enumerated() {
            let c = position.chord(to: o.vector)
            if c < bestChord { (best, bestChord) = (i, c) }
        }
        let leg = fallback.roadMinutes(km: position.distanceKm(to: origins[best].vector) * fallback.file.parameters.detour)
        return TravelOrigin(vector: position, minutes: leg, cell: best, fallbackMinutes: fallback.origin(position).minutes)
    }

    public func drive(from origin: TravelOrigin, to hospital: HospitalID?, at destination: UnitVector, urgency: Urgency) -> (minutes: Double, km: Double) {
        guard let hospital, origin.cell >= 0, origin.cell < rows.count, let row = rows[origin.cell][hospital] else {
            return fallback.drive(from: TravelOrigin(vector: origin.vector, minutes: origin.fallbackMinutes), to: hospital, at: destination, urgency: urgency)
        }
        let minutes = origin.minutes + row.minutes
        let km = row.km ?? origin.vector.distanceKm(to: destination) * fallback.file.parameters.detour
        return (urgency == .red ? minutes * fallback.file.sondersignalFactor : minutes, km)
    }
}
