import ArgumentParser
import Foundation
import LotseSQLite
import LotseDemand
import LotseLoad
import LotseSeed
import LotseSimulation

@main
struct LotseSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lotse-sim",
        abstract: "Lastsimulator für Lotse: ein Jahr Notfallrettung in MV – als Benchmark und als Politik-Labor.",
        subcommands: [Run.self, HTTP.self, Scenarios.self, MANV.self],
        defaultSubcommand: Run.self)

    /// One-line errors, as `lotse` does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let first = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("Fehler: \(first) (Hilfe: lotse-sim --help)\n".utf8))
            Foundation.exit(code == .success ? 1 : code.rawValue)
        }
    }
}

/// Options every mode shares: which scenario, and what to change for this run.
struct ScenarioOptions: ParsableArguments {
    @Option(help: "Szenario: mitgeliefert (mv-year) oder Pfad zu einer JSON-Datei.")
    var scenario = "mv-year"
    @Option(help: "Nur so viele Tage simulieren (statt der Dauer des Szenarios).")
    var days: Int?
    @Option(help: "Anderer Seed (sonst der des Szenarios).")
    var seed: UInt64?
    @Option(help: "Telenotarzt-fähige RTW: Landkreise, durch Komma getrennt, oder * für alle (sonst die des Szenarios).")
    var tnaEquipped: String?
    @Option(help: "Telenotärzte im Dienst (sonst die des Szenarios).")
    var tnaPhysicians: Int?

    func load() throws -> Scenario {
        var s = try Scenario.load(scenario)
        if let days { s.days = days }
        if let seed { s.seed = seed }
        if let tnaEquipped {
            s.tna.equippedDistricts = tnaEquipped.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let tnaPhysicians { s.tna.physicians = tnaPhysicians }
        try s.validate()
        return s
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Simuliert in virtueller Zeit (im Prozess) und schreibt den Bericht.")

    @OptionGroup var options: ScenarioOptions
    @Option(help: "Verzeichnis für report.md, report.html und results.json.")
    var report = "out"
    @Flag(help: "Ohne die Varianten des Politik-Labors (nur der Hauptlauf).")
    var noVariants = false
    @Flag(help: "Keine Fortschrittsanzeige.")
    var quiet = false
    @Option(help: "Das Protokoll des Hauptlaufs in diese (neue) SQLite-Datei schreiben – für lotse stats, lotse verify.")
    var logDb: String?

    func run() async throws {
        let scenario = try options.load()
        let table = try ReferenceData.requirementTable()
        let geography = try Geography.mecklenburgVorpommern(fleet: scenario.fleet)
        let runs = [scenario] + (noVariants ? [] : scenario.variants.map(scenario.applying))
        var results: [SimulationResult] = []
        for (i, s) in runs.enumerated() {
            let bar = ProgressBar(label: "Lauf \(i + 1)/\(runs.count) \(Self.short(s))", days: s.days, enabled: !quiet)
            let sim = try Simulation(scenario: s, geography: geography, table: table)
            let r = try await sim.run(progress: bar.update)
            bar.done(String(format: "%d Einsätze, %d Ereignisse, %.1f s", r.outcomes.missions, r.outcomes.logEvents, r.performance.wallSeconds))
            results.append(r)
            if i == 0, let logDb {
                let copied = try await SQLiteLogCopy.copy(from: sim.log, toNewFile: logDb)
                print("Protokoll: \(copied) Ereignisse in \(logDb)")
            }
        }
        let calibration = Calibration.rows(results[0], geography: geography, travel: Simulation.travelModel())
        let rep = LotseSimulation.Report(scenario: scenario, runs: results, calibration: calibration)
        let dir = URL(fileURLWithPath: report, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try rep.markdown.write(to: dir.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        try rep.html.write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(ResultsFile(scenario: scenario, runs: results, calibration: calibration)).write(to: dir.appendingPathComponent("results.json"))
        print("Bericht: \(dir.appendingPathComponent("report.md").path), \(dir.appendingPathComponent("report.html").path)")
    }

    static func short(_ s: Scenario) -> String { "(\(s.ranking.rawValue), \(s.tna.physicians) TNA)" }
}

struct ResultsFile: Encodable {
    let scenario: Scenario
    let runs: [SimulationResult]
    let calibration: [CalibrationRow]
}

/// A mass-casualty incident distributed three ways: Lotse's plan, nearest hospital first, nearest with a place left.
struct MANV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manv",
        abstract: "MANV-Vergleich: 40 Patienten nach einem Busunfall auf der A20 – Lotses Verteilungsplan gegen „nächste Klinik zuerst“.")

    @Option(help: "Rettungswagen am Einsatzort zu Beginn.")
    var ambulances = 6
    @Option(help: "Höchstens so viele Rettungswagen (zwei weitere alle fünf Minuten).")
    var maxAmbulances = 20

    func validate() throws {
        guard (1...200).contains(ambulances), (ambulances...400).contains(maxAmbulances) else {
            throw ValidationError("--ambulances 1–200, --max-ambulances zwischen --ambulances und 400")
        }
    }

    @Option(help: "Szenario: a20-tessin, a20-jarmen (sonst beide).")
    var place: String?

    func run() throws {
        let names = place.map { [$0] } ?? MANVScenario.bundled.keys.sorted().reversed()
        for name in names {
            guard var scenario = MANVScenario.bundled[name] else {
                throw ValidationError("Szenario \(name) unbekannt (\(MANVScenario.bundled.keys.sorted().joined(separator: ", ")))")
            }
            scenario.ambulancesAtStart = ambulances
            scenario.maxAmbulances = maxAmbulances
            print(MANVScenario.markdown(try scenario.compare(), scenario: scenario) + "\n")
        }
    }
}

struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenarios", abstract: "Listet die mitgelieferten Szenarien.")
    func run() throws {
        for name in Scenario.bundledNames {
            let s = try Scenario.load(name)
            print("\(name): \(s.days) Tage, \(Int(s.demand.missionsPerYear)) Einsätze/Jahr, Seed \(s.seed) – \(s.description)")
        }
    }
}

/// A progress bar on stderr: redrawn in place on a terminal, one line per 10 % otherwise (CI logs).
final class ProgressBar: @unchecked Sendable {
    let label: String
    let days: Int
    let enabled: Bool
    let unit: String
    let tty = isatty(2) != 0
    let start = Date()
    var lastTenth = -1

    init(label: String, days: Int, enabled: Bool, unit: String = "Tag") {
        self.label = label
        self.days = days
        self.enabled = enabled
        self.unit = unit
    }

    func update(_ share: Double) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let day = min(days, Int(share * Double(days)) + 1)
        if tty {
            let filled = Int(share * 30)
            let eta = share > 0.01 ? String(format: " · noch ≈ %.0f s", elapsed / share * (1 - share)) : ""
            let line = "\r\(label) [\(String(repeating: "█", count: filled))\(String(repeating: "·", count: 30 - filled))] \(Int(share * 100)) % · \(unit) \(day)/\(days)\(eta)   "
            FileHandle.standardError.write(Data(line.utf8))
        } else if Int(share * 10) > lastTenth {
            lastTenth = Int(share * 10)
            FileHandle.standardError.write(Data("\(label) \(String(format: "%3d", lastTenth * 10)) % · \(unit) \(day)/\(days) · \(String(format: "%.1f", elapsed)) s\n".utf8))
        }
    }

    func done(_ summary: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(((tty ? "\r" : "") + "\(label) fertig: \(summary)\(String(repeating: " ", count: 20))\n").utf8))
    }
}
