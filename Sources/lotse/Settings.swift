import ArgumentParser
import Configuration
import Foundation
import Synchronization

/// Every setting of `lotse` in one place (swift-configuration): a command-line flag wins over the environment
/// (`LOTSE_…`), which wins over the configuration file (`--config FILE` or `LOTSE_CONFIG`; JSON, one object with
/// the keys below), which wins over the default. The keys are the flags' names in camelCase; the environment
/// variable is `LOTSE_` and the key in upper snake case (`rateLimit` → `LOTSE_RATE_LIMIT`). Docs/OPERATIONS.md
/// lists them all (a test keeps the two in step).
enum Settings {
    struct Key: Sendable {
        let name: String
        let help: String
        /// Secrets are never printed (swift-configuration's access reports redact them).
        var secret = false
        var environment: String { "LOTSE_" + name.replacing(/([a-z0-9])([A-Z])/) { "\($0.1)_\($0.2)" }.uppercased() }
    }

    static let keys: [Key] = [
        Key(name: "store", help: "Ereignisprotokoll: SQLite-Datei oder postgres://… (Vorrang vor db)"),
        Key(name: "db", help: "SQLite-Datei des Ereignisprotokolls (Standard lotse.sqlite)"),
        Key(name: "host", help: "Adresse von lotse serve (Standard 127.0.0.1)"),
        Key(name: "port", help: "Port von lotse serve, 0 = frei wählen (Standard 8080)"),
        Key(name: "tlsCert", help: "TLS-Zertifikat (PEM-Kette); mit tlsKey nur HTTPS"),
        Key(name: "tlsKey", help: "privater TLS-Schlüssel (PEM)"),
        Key(name: "jwks", help: "JWKS-Datei der Prüfschlüssel (Standard <db>.jwks.json)"),
        Key(name: "jwksPollSeconds", help: "Sekunden zwischen zwei Prüfungen der JWKS-Datei, 0 = nur SIGHUP (Standard 1)"),
        Key(name: "claimsMapping", help: "Claims-Zuordnung eines Identity-Providers (JSON-Datei)"),
        Key(name: "maxTokenTtl", help: "längste Token-Gültigkeit, z. B. 12h (Standard 12h)"),
        Key(name: "devSecret", help: "nur Entwicklung: HS256-Geheimnis", secret: true),
        Key(name: "signingKey", help: "privater Signierschlüssel (lotse token, --demo; Standard <db>.signing-key.pem)"),
        Key(name: "masterKey", help: "Hauptschlüssel-Datei der Fallschlüssel (Standard <db>.master-key)"),
        Key(name: "rateLimit", help: "Anfragen je Token und Sekunde (Standard 200)"),
        Key(name: "maxStreams", help: "gleichzeitige Ereignisströme je Token-Subjekt und Knoten (Standard 8)"),
        Key(name: "accessLog", help: "Zugriffsprotokoll (JSON-Zeilen): Datei oder -"),
        Key(name: "snapshotEveryEvents", help: "Snapshot nach so vielen Ereignissen (Standard 50000)"),
        Key(name: "snapshotEveryMinutes", help: "… oder nach so vielen Minuten, 0 = nur nach Anzahl (Standard 60)"),
        Key(name: "escalationSeconds", help: "Sekunden bis eine unbestätigte rote Voranmeldung eskaliert (Standard 120)"),
        Key(name: "tnaConfig", help: "Telenotarzt-Zentren und ihre Bereiche (JSON-Datei)"),
        Key(name: "travelMatrix", help: "Fahrzeitmatrix eines Routenplaners (CSV; Standard: das kalibrierte Modell)"),
    ]

    private static let reader = Mutex(ConfigReader(provider: EnvironmentVariablesProvider().prefixKeys(with: "lotse")))
    private static let fileName = Mutex<String?>(nil)

    /// The configuration file, when one is named (read once, at start, before any command runs).
    static var file: String? { fileName.withLock { $0 } }

    /// Reads the configuration file `path`: one JSON object whose keys are `keys`' names, values strings or
    /// numbers. An unknown key (a typo) or another shape is refused with one line.
    static func load(file path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("Konfiguration \(path) nicht lesbar / configuration file unreadable")
        }
        guard let object = try? JSONDecoder().decode([String: Scalar].self, from: data) else {
            throw CLIError("Konfiguration \(path): ein JSON-Objekt mit Texten oder Zahlen erwartet / a JSON object of strings and numbers expected")
        }
        let known = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, scalar) in object {
            guard let key = known[name] else {
                throw CLIError("Konfiguration \(path): unbekannter Schlüssel „\(name)“ – bekannt: \(keys.map(\.name).joined(separator: ", "))")
            }
            values[AbsoluteConfigKey(ConfigKey(name))] = ConfigValue(.string(scalar.text), isSecret: key.secret)
        }
        let providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider().prefixKeys(with: "lotse"), InMemoryProvider(name: path, values: values),
        ]
        reader.withLock { $0 = ConfigReader(providers: providers) }
        fileName.withLock { $0 = path }
    }

    /// A value of the file: a string or a number (a boolean, array or object is refused).
    private struct Scalar: Decodable {
        let text: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { text = s } else if let i = try? c.decode(Int.self) { text = String(i) } else { text = String(try c.decode(Double.self)) }
        }
    }

    /// The value of `name` from the environment or the file (flags are the commands' own and come first).
    static func value(_ name: String) -> String? {
        let secret = keys.first { $0.name == name }?.secret ?? false
        return reader.withLock { $0.string(forKey: ConfigKey(name), isSecret: secret) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Takes `--config FILE` / `--config=FILE` out of the arguments (it applies to every command) and reads the file it
    /// names, or the one in `LOTSE_CONFIG`.
    static func loadFromArguments(_ arguments: [String]) throws -> [String] {
        var rest: [String] = []
        var path = ProcessInfo.processInfo.environment["LOTSE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--config" {
                guard i + 1 < arguments.count else { throw CLIError("--config braucht eine Datei / --config needs a file") }
                path = arguments[i + 1]
                i += 2
                continue
            }
            if a.hasPrefix("--config=") {
                path = String(a.dropFirst("--config=".count))
                i += 1
                continue
            }
            rest.append(a)
            i += 1
        }
        if let path { try load(file: path) }
        return rest
    }
}

/// `lotse config`: every setting with its environment variable, the value from the environment or the file, and
/// where it came from (flags are per command and not shown). Secrets are never printed.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Zeigt alle Einstellungen: Schlüssel, Umgebungsvariable, Wert aus Umgebung oder Datei (--config, LOTSE_CONFIG), Herkunft.")

    func run() throws {
        print("Konfigurationsdatei: \(Settings.file ?? "keine")  (Vorrang: Schalter > Umgebung > Datei > Standard)")
        for key in Settings.keys {
            let value = Settings.value(key.name)
            let fromEnvironment = ProcessInfo.processInfo.environment[key.environment].map { !$0.isEmpty } ?? false
            let source = value == nil ? "Standard" : fromEnvironment ? "Umgebung" : "Datei"
            let shown = value.map { key.secret ? "(gesetzt)" : $0 } ?? "–"
            print("\(key.name)\t\(key.environment)\t\(shown)\t\(source)\t\(key.help)")
        }
    }
}
