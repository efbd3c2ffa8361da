import ArgumentParser
import Foundation
import LotseDemand
import LotseLoad
import LotseSeed
import LotseSimulation
import LotseTokens

struct HTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Spielt die Einsätze des Szenarios als HTTP-Last gegen ein laufendes `lotse serve` und misst die Latenz je Anfrageart.")

    @OptionGroup var options: ScenarioOptions
    @Option(help: "Adresse des Servers.")
    var url = "http://127.0.0.1:8080"
    @Option(help: "Privater Schlüssel, mit dem die Tokens der Clients signiert werden (Umgebung: LOTSE_SIGNING_KEY; der Server muss den öffentlichen Schlüssel kennen).")
    var signingKey: String?
    @Option(help: "Nur Entwicklung: HS256-Geheimnis des Servers statt eines Schlüssels (Umgebung: LOTSE_DEV_SECRET).")
    var devSecret: String?
    @Option(help: "Gleichzeitige Clients (je ein Token, eine Anfrage zur Zeit).")
    var clients = 16
    @Option(help: "Tempo: simulierte Sekunden pro Sekunde (1 = Echtzeit); ohne: so schnell wie möglich.")
    var speed: Double?
    @Option(help: "Höchstens so viele Einsätze.")
    var missions: Int?
    @Option(help: "Höchstens so viele Sekunden.")
    var seconds: Double?
    @Option(help: "Verzeichnis für http-report.md und http-results.json.")
    var report = "out"

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let issuer: TokenIssuer
        if let path = signingKey ?? env["LOTSE_SIGNING_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            issuer = await TokenIssuer(signingKey: try SigningKey.load(path: path))
        } else if let secret = devSecret ?? env["LOTSE_DEV_SECRET"].flatMap({ $0.isEmpty ? nil : $0 }) {
            issuer = try await TokenIssuer(devSecret: secret)
        } else {
            throw ValidationError("--signing-key (oder LOTSE_SIGNING_KEY) angeben: den privaten Schlüssel, dessen öffentlichen Teil der Server hat")
        }
        guard clients >= 1, clients <= 1024 else { throw ValidationError("--clients muss 1–1024 sein") }
        if let speed, speed <= 0 { throw ValidationError("--speed muss > 0 sein") }
        let scenario = try options.load()
        let geography = try Geography.mecklenburgVorpommern(fleet: scenario.fleet)
        let demand = try DemandModel(scenario: scenario, geography: geography, table: try ReferenceData.requirementTable())
        let load = HTTPLoad(
            options: .init(baseURL: url, issuer: issuer, clients: clients, speed: speed, maxMissions: missions, maxSeconds: seconds),
            scenario: scenario, geography: geography, demand: demand)
        FileHandle.standardError.write(Data("HTTP-Last: \(load.missions.count) Einsätze, \(clients) Clients gegen \(url)\n".utf8))
        let bar = ProgressBar(label: "HTTP", days: load.missions.count, enabled: true, unit: "Einsatz")
        let total = load.missions.count
        let r = try await load.run { done, _ in bar.update(Double(done) / Double(max(1, total))) }
        bar.done(String(format: "%d Anfragen in %.1f s (%.0f/s)", r.requests, r.wallSeconds, r.requestsPerSecond))
        let md = HTTPLoadReport.markdown(r, url: url, scenario: scenario)
        let dir = URL(fileURLWithPath: report, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try md.write(to: dir.appendingPathComponent("http-report.md"), atomically: true, encoding: .utf8)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(r).write(to: dir.appendingPathComponent("http-results.json"))
        print(md)
    }
}
