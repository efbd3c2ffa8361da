import ArgumentParser
import Foundation
import LotseCapacity
import LotseDispatch
import LotseDomain
import LotseSeed

struct Dispatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Welche Klinik kann diesen Patienten jetzt aufnehmen? Rangliste mit Begründung.")

    @OptionGroup var store: StoreOptions
    @Option(help: "PZC, 6 Ziffern: RMI + Alter + Dringlichkeit (z. B. 421701).", transform: { try PZC(parsing: $0) }) var pzc: PZC?
    @Option(help: "RMI (3 Ziffern), statt --pzc.", transform: parseRMI) var rmi: RMI?
    @Option(help: "Dringlichkeit 1 (rot), 2 (gelb), 3 (grün), mit --rmi.", transform: parseUrgency) var urgency: Urgency?
    @Option(help: "Alter in Jahren (0–99), mit --rmi.") var age: Int?
    @Option(help: "Breitengrad des Einsatzorts.") var lat: Double?
    @Option(help: "Längengrad des Einsatzorts.") var lon: Double?
    @Option(help: "Gemeinde statt Koordinaten (z. B. Dranske).") var place: String?
    @Option(help: "Nur Kliniken dieses Rettungsdienstbereichs.") var district: String?
    @Option(help: "Höchstens so viele Kliniken je Liste.") var limit: Int = 10
    @Flag(help: "Stabiles JSON statt Tabelle.") var json = false
    @Option(help: "Fahrzeitmatrix eines Routenplaners (CSV origin,lat,lon,hospital,minutes[,km]; Docs/RANKING.md; Umgebung: LOTSE_TRAVEL_MATRIX).")
    var travelMatrix: String?

    func run() async throws {
        try await guarded {
            let q = try query()
            let log = try await store.openExisting()
            defer { log.close() }
            let now = try store.time()
            let projector = try await loadProjector(log)
            let ranking = try DispatchRanking(table: try ReferenceData.requirementTable(), travel: try TravelFiles.model(matrix: travelMatrix))
            let answer = ranking.format(try projector.withIndex { try ranking.score(q, in: $0, at: now) }, at: now)
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try enc.encode(answer), as: UTF8.self))
            } else {
                print(GermanAnswerFormatter.render(answer))
            }
        }
    }

    func query() throws -> DispatchQuery {
        let position: GeoPoint
        if let place {
            guard lat == nil, lon == nil else { throw CLIError("--place oder --lat/--lon, nicht beides / use either --place or --lat/--lon") }
            let map = try DistrictMap(gemeindenCSV: try ReferenceData.text("mv_gemeinden.csv"))
            guard let p = map.position(ofMunicipality: place) else { throw CLIError("Gemeinde „\(place)“ nicht gefunden / unknown municipality") }
            position = p
        } else {
            guard let lat, let lon else { throw CLIError("Position fehlt: --lat und --lon (oder --place) / position required") }
            guard let p = GeoPoint(lat: lat, lon: lon) else {
                throw CLIError("Position \(lat), \(lon) ungültig: Breite −90…90, Länge −180…180 / coordinates out of range")
            }
            position = p
        }
        let districtID = district.map(DistrictID.init)
        if let pzc {
            guard rmi == nil, urgency == nil, age == nil else { throw CLIError("--pzc oder --rmi/--urgency/--age, nicht beides / use either --pzc or --rmi") }
            return try DispatchQuery(position: position, pzc: pzc, district: districtID, limit: limit)
        }
        guard let rmi, let urgency, let age else { throw CLIError("--pzc oder --rmi mit --urgency und --age angeben / give --pzc or --rmi, --urgency, --age") }
        return try DispatchQuery(position: position, rmi: rmi, urgency: urgency, age: age, district: districtID, limit: limit)
    }
}

/// The travel model a command ranks with: the routing engine's matrix named by `--travel-matrix` / `LOTSE_TRAVEL_MATRIX`,
/// or nil (the shipped calibrated model).
enum TravelFiles {
    static func model(matrix flag: String?) throws -> (any TravelTimeModel)? {
        guard let path = flag ?? environment("LOTSE_TRAVEL_MATRIX") else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("Fahrzeitmatrix \(path) nicht lesbar / unreadable") }
        do {
            return try MatrixTravelTime(csv: text, source: URL(fileURLWithPath: path).lastPathComponent)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }
}
