import LotseDomain

/// The Rettungsdienstbereiche of MV. Each of the 6 Landkreise and the 2 kreisfreie Städte (Rostock, Schwerin)
/// is one Rettungsdienstbereich (RDG M-V § 6: Träger are the Landkreise and kreisfreien Städte), so the
/// district of a site is the Kreis of its municipality in `mv_gemeinden.csv`.
public struct DistrictMap: Sendable {
    struct Municipality: Sendable {
        let name: String
        let kreis: String
        let population: Int
        let position: GeoPoint
        let plz: String
    }

    let municipalities: [Municipality]

    public init(gemeindenCSV: String) throws {
        let records = CSV.parse(gemeindenCSV)
        guard let header = records.first else { throw ReferenceDataError.malformed(file: "mv_gemeinden.csv", line: 1, reason: "leer") }
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var out: [Municipality] = []
        for (n, r) in records.dropFirst().enumerated() where r.count == header.count {
            guard let lat = Double(r[col["lat"]!]), let lon = Double(r[col["lon"]!]), let p = GeoPoint(lat: lat, lon: lon) else {
                throw ReferenceDataError.malformed(file: "mv_gemeinden.csv", line: n + 2, reason: "Position ungültig")
            }
            out.append(Municipality(
                name: r[col["name"]!], kreis: r[col["kreis"]!], population: Int(r[col["population"]!]) ?? 0, position: p,
                plz: r[col["plz"]!]))
        }
        municipalities = out
    }

    /// All districts (8 for MV), sorted.
    public var districts: [DistrictID] { Set(municipalities.map { DistrictID($0.kreis) }).sorted() }

    /// The district of a site: the Kreis of the municipality named as its city (the part of the official name
    /// before the comma, "Rostock, Hansestadt" → "Rostock"); if no name matches, of the nearest municipality centroid.
    public func district(city: String, position: GeoPoint) -> DistrictID {
        let wanted = city.split(separator: ",").first.map { String($0).trimmedWhitespace } ?? city
        let named = municipalities.filter { ($0.name.split(separator: ",").first.map { String($0).trimmedWhitespace } ?? $0.name) == wanted }
        if let m = named.min(by: { $0.position.distanceKm(to: position) < $1.position.distanceKm(to: position) }) {
            return DistrictID(m.kreis)
        }
        let nearest = municipalities.min { $0.position.distanceKm(to: position) < $1.position.distanceKm(to: position) }!
        return DistrictID(nearest.kreis)
    }

    /// A municipality as reference data: name, district, population and centroid.
    public struct Entry: Codable, Sendable, Hashable {
        public let name: String
        public let district: String
        public let population: Int
        public let lat: Double
        public let lon: Double
    }

    /// Every municipality, by name.
    public var entries: [Entry] {
        municipalities.map { Entry(name: $0.name, district: $0.kreis, population: $0.population, lat: $0.position.lat, lon: $0.position.lon) }
            .sorted { $0.name < $1.name }
    }

    /// A municipality by name (the part before the comma), for CLI position look-ups.
    public func position(ofMunicipality name: String) -> GeoPoint? {
        let wanted = name.lowercased()
        return municipalities.first { ($0.name.split(separator: ",").first.map { String($0).trimmedWhitespace.lowercased() }) == wanted }?.position
    }
}
