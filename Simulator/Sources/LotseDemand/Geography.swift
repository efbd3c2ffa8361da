import Foundation
import LotseDomain
import LotseSeed

/// Where MV's people, hospitals and ambulances are: municipalities (population, area, centroid, district) from
/// `mv_gemeinden.csv`, the 35 emergency sites from `mv_hospitals.csv` (registered exactly as `lotse seed` does),
/// and derived Rettungswachen (no public station list exists; see `deriveStations`).
public struct Geography: Sendable {
    public struct Municipality: Sendable, Hashable {
        /// The official municipality key (Amtlicher Gemeindeschlüssel).
        public let ags: String
        public let name: String
        public let district: DistrictID
        public let population: Int
        public let areaKm2: Double
        public let position: GeoPoint
    }

    public struct Station: Sendable, Hashable {
        public let id: Int
        /// The municipality the station is in.
        public let town: String
        public let district: DistrictID
        public let position: GeoPoint
        public let ambulances: Int
        /// People whose nearest station this is.
        public let catchment: Int
    }

    public let municipalities: [Municipality]
    public let hospitals: [(registration: HospitalRegistration, source: HospitalSource)]
    public let stations: [Station]

    public var districts: [DistrictID] { Set(municipalities.map(\.district)).sorted() }
    public var population: Int { municipalities.reduce(0) { $0 + $1.population } }

    /// MV from the bundled data, with `fleet`'s stations and ambulances.
    public static func mecklenburgVorpommern(fleet: Scenario.Fleet) throws -> Geography {
        let csv = CSV.parse(try ReferenceData.text("mv_gemeinden.csv"))
        guard let header = csv.first else { throw ScenarioError.invalid("mv_gemeinden.csv ist leer") }
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var ms: [Municipality] = []
        for r in csv.dropFirst() where r.count == header.count {
            guard let lat = Double(r[col["lat"]!]), let lon = Double(r[col["lon"]!]), let p = GeoPoint(lat: lat, lon: lon),
                  let pop = Int(r[col["population"]!]), let area = Double(r[col["area_km2"]!]) else { continue }
            ms.append(Municipality(ags: r[col["ags"]!], name: r[col["name"]!], district: DistrictID(r[col["kreis"]!]), population: pop, areaKm2: area, position: p))
        }
        let hospitals = try Seeder.registrations().map { (registration: $0.0, source: $0.1) }
        return Geography(municipalities: ms, hospitals: hospitals, stations: deriveStations(ms, fleet: fleet))
    }

    /// Rettungswachen, derived because no list is public:
    /// 1. stations per district ∝ `populationWeight` × population share + (1 − `populationWeight`) × area share
    ///    (the Hilfsfrist makes area count as much as people), at least one, largest remainder to the total;
    /// 2. positions by k-means over the district's municipality centroids weighted by √population (towns pull,
    ///    the countryside still gets covered), started k-means++-style from a fixed seed and snapped to the
    ///    municipality nearest each centre (a station is in a town); a district with fewer municipalities than
    ///    stations (the cities Rostock and Schwerin) spreads its stations on a ring at half the town's radius;
    /// 3. RTW per station ∝ the population for which it is the nearest station, at least one.
    static func deriveStations(_ ms: [Municipality], fleet: Scenario.Fleet) -> [Station] {
        let districts = Set(ms.map(\.district)).sorted()
        let totalPop = Double(ms.reduce(0) { $0 + $1.population })
        let totalArea = ms.reduce(0) { $0 + $1.areaKm2 }
        let weights = districts.map { d -> Double in
            let inD = ms.filter { $0.district == d }
            let pop = Double(inD.reduce(0) { $0 + $1.population }) / totalPop
            let area = inD.reduce(0) { $0 + $1.areaKm2 } / totalArea
            return fleet.populationWeight * pop + (1 - fleet.populationWeight) * area
        }
        let perDistrict = largestRemainder(weights: weights, total: fleet.stations, minimum: 1)
        var rng = SimRandom(seed: 84)
        var centres: [(DistrictID, Municipality, GeoPoint)] = []
        for (d, k) in zip(districts, perDistrict) {
            let inD = ms.filter { $0.district == d }.sorted { $0.name < $1.name }
            if k > inD.count {
                let town = inD.max { $0.population < $1.population }!
                let r = (town.areaKm2 / .pi).squareRoot() / 2
                for i in 0..<k {
                    let a = 2 * Double.pi * Double(i) / Double(k)
                    centres.append((d, town, town.position.offset(northKm: r * sin(a), eastKm: r * cos(a))))
                }
            } else {
                for m in kMeans(inD, k: k, rng: &rng) { centres.append((d, m, m.position)) }
            }
        }
        // Catchment: every municipality to its nearest station.
        var catchment = [Int](repeating: 0, count: centres.count)
        for m in ms {
            let nearest = centres.indices.min { m.position.distanceKm(to: centres[$0].2) < m.position.distanceKm(to: centres[$1].2) }!
            catchment[nearest] += m.population
        }
        let units = largestRemainder(weights: catchment.map(Double.init), total: fleet.ambulances, minimum: 1)
        return centres.indices.map { i in
            Station(id: i + 1, town: centres[i].1.name, district: centres[i].0, position: centres[i].2, ambulances: units[i], catchment: catchment[i])
        }
    }

    /// Weighted k-means (weights √population) over centroids; returns the municipality nearest each centre.
    static func kMeans(_ ms: [Municipality], k: Int, rng: inout SimRandom) -> [Municipality] {
        guard k > 0 else { return [] }
        let w = ms.map { Double($0.population).squareRoot() }
        // k-means++ start: the heaviest town, then towns far from the chosen ones.
        var centres: [GeoPoint] = [ms[w.indices.max { w[$0] < w[$1] }!].position]
        while centres.count < k {
            let d2 = ms.indices.map { i in w[i] * pow(centres.map { ms[i].position.distanceKm(to: $0) }.min()!, 2) }
            centres.append(ms[WeightedChoice(weights: d2.map { $0 + 1e-9 }).pick(&rng)].position)
        }
        for _ in 0..<25 {
            var sumLat = [Double](repeating: 0, count: k), sumLon = sumLat, sumW = sumLat
            for (i, m) in ms.enumerated() {
                let c = centres.indices.min { m.position.distanceKm(to: centres[$0]) < m.position.distanceKm(to: centres[$1]) }!
                sumLat[c] += m.position.lat * w[i]
                sumLon[c] += m.position.lon * w[i]
                sumW[c] += w[i]
            }
            centres = centres.indices.map { c in sumW[c] > 0 ? GeoPoint(lat: sumLat[c] / sumW[c], lon: sumLon[c] / sumW[c])! : centres[c] }
        }
        var used = Set<String>()
        return centres.map { c in
            let m = ms.filter { !used.contains($0.name) }.min { $0.position.distanceKm(to: c) < $1.position.distanceKm(to: c) } ?? ms[0]
            used.insert(m.name)
            return m
        }
    }

    /// Splits `total` in proportion to `weights`, each part at least `minimum` (largest remainder method).
    static func largestRemainder(weights: [Double], total: Int, minimum: Int) -> [Int] {
        let free = total - minimum * weights.count
        guard free > 0 else { return weights.map { _ in minimum } }
        let sum = weights.reduce(0, +)
        let exact = weights.map { sum > 0 ? $0 / sum * Double(free) : 0 }
        var parts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(parts[$0]), $1) > (exact[$1] - Double(parts[$1]), $0) }
        for i in order.prefix(free - parts.reduce(0, +)) { parts[i] += 1 }
        return parts.map { $0 + minimum }
    }
}

extension GeoPoint {
    /// The point `northKm` north and `eastKm` east of this one (small offsets).
    func offset(northKm: Double, eastKm: Double) -> GeoPoint {
        let lat = self.lat + northKm / 111.2
        let lon = self.lon + eastKm / (111.2 * cos(self.lat * .pi / 180))
        return GeoPoint(lat: lat, lon: lon) ?? self
    }
}
