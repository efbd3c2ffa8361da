import ArgumentParser
import Foundation
import Logging
import LotseAPI
import LotseApplication
import LotseCapacity
import LotseDomain
import LotsePostgres
import LotseSeed
import LotseTelenotarzt
import LotseTime
import LotseTokens

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Startet die HTTP-API /v1 (mit --demo: MV-Demodaten und fertige Tokens je Rolle).")

    @Option(help: "SQLite-Datei des Ereignisprotokolls (Umgebung: LOTSE_DB).") var db: String?
    @Option(help: "Ereignisprotokoll: SQLite-Datei oder postgres://benutzer@host1:port,host2:port/db – mehrere Knoten auf einem Protokoll (Umgebung: LOTSE_STORE; Vorrang vor --db).")
    var store: String?
    @Option(help: "Adresse (Umgebung: LOTSE_HOST).") var host: String?
    @Option(help: "Port, 0 = frei wählen (Umgebung: LOTSE_PORT).") var port: Int?
    @Flag(help: "MV-Demo: Kliniken importieren, alle Ressourcen verfügbar melden, Tokens ausgeben.") var demo = false
    @Option(help: "Anfragen je Token und Sekunde (Umgebung: LOTSE_RATE_LIMIT, Standard 200).") var rateLimit: Double?
    @Option(help: "Snapshot des Kapazitätsindex nach so vielen neuen Ereignissen (Umgebung: LOTSE_SNAPSHOT_EVERY_EVENTS, Standard 50000).")
    var snapshotEveryEvents: Int64?
    @Option(help: "… oder nach so vielen Minuten, wenn etwas hinzukam; 0 = nur nach Anzahl (Umgebung: LOTSE_SNAPSHOT_EVERY_MINUTES, Standard 60).")
    var snapshotEveryMinutes: Double?
    @Option(help: "Zugriffsprotokoll als JSON-Zeilen (Zeit, Anfrage-ID, Methode, Route, Status, Dauer, Aufrufer – nie Token oder Personendaten): Datei oder - für die Standardausgabe (Umgebung: LOTSE_ACCESS_LOG).")
    var accessLog: String?
    @Option(help: "Gleichzeitige Ereignisströme (/v1/events) je Token-Subjekt und Knoten (Umgebung: LOTSE_MAX_STREAMS, Standard 8).")
    var maxStreams: Int?
    @Option(help: "Sekunden bis eine unbestätigte rote Voranmeldung eskaliert (Umgebung: LOTSE_ESCALATION_SECONDS, Standard 120).")
    var escalationSeconds: Int64?
    @Option(help: "Telenotarzt-Zentren und ihre Bereiche als JSON (Beispiel: Sources/LotseTelenotarzt/Resources/tna-mv.json; Standard: Greifswald für alle 8).")
    var tnaConfig: String?
    @OptionGroup var keys: VerificationOptions
    @OptionGroup var master: MasterKeyOptions
    @Option(help: "Fahrzeitmatrix eines Routenplaners (CSV origin,lat,lon,hospital,minutes[,km]; Docs/RANKING.md; Umgebung: LOTSE_TRAVEL_MATRIX).")
    var travelMatrix: String?
    @Option(help: "Sekunden zwischen zwei Prüfungen der JWKS-Datei auf Änderungen; 0 = nur bei SIGHUP (Umgebung: LOTSE_JWKS_POLL_SECONDS, Standard 1).")
    var jwksPollSeconds: Double?
    @Option(help: "TLS-Zertifikat (Kette, PEM); mit --tls-key nur noch HTTPS (Umgebung: LOTSE_TLS_CERT).") var tlsCert: String?
    @Option(help: "Privater TLS-Schlüssel (PEM, ohne Passwort; Umgebung: LOTSE_TLS_KEY).") var tlsKey: String?

    func run() async throws {
        // SIGHUP means "re-read the keys", never "stop" — also while the projection is still being rebuilt.
        signal(SIGHUP, SIG_IGN)
        let env = ProcessInfo.processInfo.environment
        var logger = Logger.lotse()
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let dbPath = db ?? environment("LOTSE_DB") ?? "lotse.sqlite"
        let location = store ?? environment("LOTSE_STORE") ?? dbPath
        // The log first (a wrong store is the first thing to hear about), then the keys.
        let log = try await EventLog.open(location)
        defer { log.close() }
        // --demo only on an empty log or one started as a demo: never demo reports over real ones (nothing written).
        if demo { try await DemoLog.claim(log.store, at: SystemClock().now()) }
        // The key files live beside an SQLite log by default; nodes on PostgreSQL share one JWKS file (--jwks/LOTSE_JWKS).
        let keyBase = PostgresStoreURL.isPostgres(location) ? dbPath : location
        let issuer = demo ? try await keys.demoIssuer(base: keyBase) : nil
        var config = APIConfiguration(tokens: try await keys.verifier(base: keyBase))
        config.host = host ?? environment("LOTSE_HOST") ?? "127.0.0.1"
        switch (tlsCert ?? environment("LOTSE_TLS_CERT"), tlsKey ?? environment("LOTSE_TLS_KEY")) {
        case let (cert?, key?): config.tls = try TLSSettings.server(certificate: cert, key: key)
        case (nil, nil): break
        default: throw CLIError("--tls-cert und --tls-key gehören zusammen / give both")
        }
        if let p = port ?? environment("LOTSE_PORT").flatMap(Int.init) {
            guard (0...65535).contains(p) else { throw CLIError("Port \(p) ungültig (0–65535)") }
            config.port = p
        }
        if let r = rateLimit ?? environment("LOTSE_RATE_LIMIT").flatMap(Double.init) {
            guard r > 0 else { throw CLIError("--rate-limit muss > 0 sein") }
            config.rateLimitPerSecond = r
        }
        if let p = jwksPollSeconds ?? environment("LOTSE_JWKS_POLL_SECONDS").flatMap(Double.init) {
            guard (0...3600).contains(p) else { throw CLIError("--jwks-poll-seconds muss 0–3600 sein") }
            config.keyReloadInterval = p == 0 ? nil : .milliseconds(Int64(p * 1000))
        }
        if let n = snapshotEveryEvents ?? environment("LOTSE_SNAPSHOT_EVERY_EVENTS").flatMap({ Int64($0) }) {
            guard n >= 1000 else { throw CLIError("--snapshot-every-events muss ≥ 1000 sein") }
            config.snapshotEveryEvents = n
        }
        if let m = snapshotEveryMinutes ?? environment("LOTSE_SNAPSHOT_EVERY_MINUTES").flatMap(Double.init) {
            guard (0...10080).contains(m) else { throw CLIError("--snapshot-every-minutes muss 0–10080 sein") }
            config.snapshotEveryMinutes = m == 0 ? nil : m
        }
        config.accessLogPath = accessLog ?? environment("LOTSE_ACCESS_LOG")
        if let m = maxStreams ?? environment("LOTSE_MAX_STREAMS").flatMap(Int.init) {
            guard (1...1000).contains(m) else { throw CLIError("--max-streams muss 1–1000 sein") }
            config.maxStreamsPerPrincipal = m
        }
        if let e = escalationSeconds ?? environment("LOTSE_ESCALATION_SECONDS").flatMap({ Int64($0) }) {
            guard (10...3600).contains(e) else { throw CLIError("--escalation-seconds muss 10–3600 sein") }
            config.escalationSeconds = e
        }
        if let path = tnaConfig ?? environment("LOTSE_TNA_CONFIG") {
            do { config.tnaNetwork = try TNANetwork.load(json: try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw CLIError("Telenotarzt-Konfiguration \(path) ungültig: \(error)")
            }
        }
        config.travel = try TravelFiles.model(matrix: travelMatrix)
        guard !config.tnaNetwork.centres.isEmpty else {
            throw CLIError("Keine Telenotarzt-Zentren konfiguriert (--tna-config) / no Telenotarzt centres configured")
        }
        if demo {
            let r = try await CapacityService(store: log.store).importHospitals(try Seeder.imports(), demo: true, at: SystemClock().now())
            print("Demo: \(r.registered) Kliniken neu, \(r.statusReports) Statusmeldungen, \(r.bedReports) Bettenmeldungen – Log-Position \(r.lastPosition).")
        }
        let vault = try await master.vault(log, base: keyBase, create: true)
        if vault.created {
            logger.notice("Hauptschlüssel neu angelegt: \(vault.path) – getrennt vom Protokoll sichern (Docs/OPERATIONS.md)")
        }
        let api = try LotseAPIServices(
            store: log.store, snapshots: log.snapshots, leases: log.leases, table: try ReferenceData.requirementTable(), configuration: config,
            vault: vault.vault)
        let host = config.host, node = config.nodeName, scheme = config.tls == nil ? "http" : "https"
        let app = try await LotseServer.buildApplication(api: api, logger: logger) { port in
            print("Lotse läuft auf \(scheme)://\(host):\(port)  (Protokoll: \(log.description), Knoten \(node))")
            if let issuer { await Self.printDemoTokens(issuer, base: "\(scheme)://\(host):\(port)") }
            fflush(nil)
        }
        try await app.runService()
    }

    static func printDemoTokens(_ tokens: TokenIssuer, base: String) async {
        let roles: [(Role, String, [String], String)] = [
            (.hospital, "zna-bergen", ["772096"], "Sana-Krankenhaus Rügen, Bergen"),
            (.hospital, "zna-stralsund", ["771436"], "Helios Hanseklinikum Stralsund"),
            (.dispatcher, "ils-stralsund", ["Vorpommern-Rügen"], "Leitstelle Vorpommern-Rügen"),
            (.crew, "rtw-bergen-1", ["RTW-Bergen-1"], "RTW Bergen 1"),
            (.physician, "tna-greifswald", ["TNA-Greifswald"], "Telenotarzt Greifswald"),
            (.admin, "betrieb", ["*"], "Betrieb / ÄLRD"),
        ]
        print("\nWeb: \(base)/ – Leitstelle, Klinik und Telenotarzt; mit einem der Tokens anmelden.")
        print("\nTokens (8 h gültig):")
        var hospitalToken = "", stralsundToken = "", dispatcherToken = ""
        for (role, sub, scope, label) in roles {
            guard let t = try? await tokens.issue(subject: sub, role: role, scope: scope, ttlSeconds: 8 * 3600) else { continue }
            if sub == "zna-bergen" { hospitalToken = t }
            if sub == "zna-stralsund" { stralsundToken = t }
            if role == .dispatcher { dispatcherToken = t }
            print("  \(role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(label) (Scope \(scope.joined(separator: ","))):\n    \(t)")
        }
        print("""

            Beispiele:
              curl -H 'Authorization: Bearer \(dispatcherToken)' '\(base)/v1/dispatch?pzc=421701&lat=54.63&lon=13.22'
              curl -X PUT -H 'Authorization: Bearer \(hospitalToken)' -H 'Content-Type: application/json' \\
                   -d '{"reason":"Personalmangel","until":"\(Timestamp(millis: SystemClock().now().millis + 2 * 3_600_000).iso8601)"}' \\
                   '\(base)/v1/hospitals/772096/resources/stroke-unit/closure'
              curl -N -H 'Authorization: Bearer \(dispatcherToken)' '\(base)/v1/events'
              curl -X POST -H 'Authorization: Bearer \(dispatcherToken)' -H 'Content-Type: application/json' \\
                   -d '{"hospitalId":"771436","pzc":"421701","flags":["schockraum"],"eta":"\(Timestamp(millis: SystemClock().now().millis + 40 * 60_000).iso8601)","unit":"RTW-Bergen-1","district":"Vorpommern-Rügen"}' \\
                   '\(base)/v1/announcements'
              curl -X POST -H 'Authorization: Bearer \(stralsundToken)' '\(base)/v1/announcements/<announcementId>/acknowledgement'
            """)
    }
}
