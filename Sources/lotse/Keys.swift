import ArgumentParser
import Foundation
import LotseAPI
import LotseDomain
import LotseTokens

/// Default key files beside the log: `<db>.jwks.json` (public keys, what servers read) and `<db>.signing-key.pem`
/// (the private key `lotse token` signs with; mode 0600). On PostgreSQL, name them (`--jwks`, `--key`).
enum KeyFiles {
    static func jwks(_ option: String?, base: String) -> String {
        option ?? environment("LOTSE_JWKS") ?? base + ".jwks.json"
    }

    static func signingKey(_ option: String?, base: String) -> String {
        option ?? environment("LOTSE_SIGNING_KEY") ?? base + ".signing-key.pem"
    }

    static func devSecret(_ option: String?) -> String? {
        option ?? environment("LOTSE_DEV_SECRET")
    }

    /// `30m`, `8h`, `7d` in seconds (1 minute … 30 days).
    static func duration(_ raw: String, option: String) throws -> Int {
        guard let unit = raw.last, let n = Int(raw.dropLast()), n > 0, let factor = ["m": 60, "h": 3600, "d": 86400][String(unit)],
              n * factor <= 30 * 86400
        else { throw CLIError("\(option) „\(raw)“ ungültig: z. B. 30m, 8h, 7d (höchstens 30 Tage)") }
        return n * factor
    }
}

/// How `lotse serve` verifies tokens: public keys from a JWKS file (production), optionally an HS256 development
/// secret, the claims mapping of an identity provider, the longest lifetime accepted.
struct VerificationOptions: ParsableArguments {
    @Option(help: "JWKS-Datei mit den öffentlichen Prüfschlüsseln (Umgebung: LOTSE_JWKS; Standard: <db>.jwks.json); wird bei Änderung oder SIGHUP neu gelesen.")
    var jwks: String?
    @Option(help: "Nur Entwicklung: HS256-Geheimnis zusätzlich akzeptieren (Umgebung: LOTSE_DEV_SECRET). Im Betrieb nie setzen.")
    var devSecret: String?
    @Option(help: "Claims eines Identity-Providers (Keycloak …) als JSON: subject, role, scope, roles, issuer, audience (Umgebung: LOTSE_CLAIMS_MAPPING).")
    var claimsMapping: String?
    @Option(help: "Längste Token-Gültigkeit (exp − iat), z. B. 12h (Umgebung: LOTSE_MAX_TOKEN_TTL; Standard 12h).")
    var maxTokenTtl: String?

    func verifier(base: String) async throws -> TokenVerifier {
        let path = KeyFiles.jwks(jwks, base: base)
        let dev = KeyFiles.devSecret(devSecret)
        let jwksGiven = jwks != nil || environment("LOTSE_JWKS") != nil
        var c = TokenVerifier.Configuration(jwksPath: nil, devSecret: dev)
        if FileManager.default.fileExists(atPath: path) || jwksGiven || dev == nil { c.jwksPath = path }
        if c.jwksPath != nil, !FileManager.default.fileExists(atPath: path) {
            throw CLIError("Keine Prüfschlüssel: \(path) fehlt – zuerst `lotse keys new --jwks \(path)` (oder --demo) / no verification keys")
        }
        if let m = claimsMapping ?? environment("LOTSE_CLAIMS_MAPPING") { c.mapping = try ClaimsMapping.load(path: m) }
        if let t = maxTokenTtl ?? environment("LOTSE_MAX_TOKEN_TTL") {
            c.maxLifetimeSeconds = try KeyFiles.duration(t, option: "--max-token-ttl")
        }
        do { return try await TokenVerifier(c) } catch { throw CLIError("Token-Prüfung: \(error)") }
    }

    /// The demo signs its printed tokens with the key beside the log (created with the JWKS on first use), or with the
    /// development secret when one is set and there is no key.
    func demoIssuer(base: String) async throws -> TokenIssuer? {
        let jwksPath = KeyFiles.jwks(jwks, base: base), keyPath = KeyFiles.signingKey(nil, base: base)
        let fm = FileManager.default
        if !fm.fileExists(atPath: jwksPath), !fm.fileExists(atPath: keyPath), KeyFiles.devSecret(devSecret) == nil {
            let key = SigningKey.generate()
            try key.write(to: keyPath)
            try JWKSFile.add(key.publicJWK, to: jwksPath)
            print("Demo: Schlüsselpaar angelegt – privat \(keyPath) (0600), öffentlich \(jwksPath) (kid \(key.kid)).")
        }
        if fm.fileExists(atPath: keyPath) { return await TokenIssuer(signingKey: try SigningKey.load(path: keyPath)) }
        if let dev = KeyFiles.devSecret(devSecret) { return try await TokenIssuer(devSecret: dev) }
        print("Demo: kein privater Schlüssel unter \(keyPath) – keine Tokens ausgegeben (lotse token --key …).")
        return nil
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Signaturschlüssel: anlegen, auflisten, zurückziehen (Rotation ohne Neustart der Server).",
        subcommands: [New.self, List.self, Retire.self])

    struct Paths: ParsableArguments {
        @Option(help: "JWKS-Datei der Server (Umgebung: LOTSE_JWKS; Standard: <db>.jwks.json).") var jwks: String?
        @Option(name: .customLong("db"), help: "Protokoll, neben dem die Schlüsseldateien standardmäßig liegen (Umgebung: LOTSE_DB; Standard: lotse.sqlite).")
        var dbOption: String?
        var db: String { dbOption ?? environment("LOTSE_DB") ?? "lotse.sqlite" }
        var jwksPath: String { KeyFiles.jwks(jwks, base: db) }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Legt ein ES256-Schlüsselpaar an: privat (Modus 0600, nie überschrieben), öffentlich in die JWKS-Datei.")
        @OptionGroup var paths: Paths
        @Option(help: "Datei für den privaten Schlüssel (Umgebung: LOTSE_SIGNING_KEY; Standard: <db>.signing-key.pem).") var key: String?

        func run() async throws {
            try await guarded {
                let keyPath = KeyFiles.signingKey(key, base: paths.db)
                let k = SigningKey.generate()
                try k.write(to: keyPath)
                do { try JWKSFile.add(k.publicJWK, to: paths.jwksPath) } catch {
                    try? FileManager.default.removeItem(atPath: keyPath)
                    throw error
                }
                print("Schlüssel \(k.kid)\n  privat:     \(keyPath) (0600 – nur auf dem Rechner, der Tokens ausstellt)\n  öffentlich: \(paths.jwksPath) (allen Servern geben; sie lesen ihn bei Änderung neu)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Zeigt die Schlüssel der JWKS-Datei.")
        @OptionGroup var paths: Paths

        func run() async throws {
            try await guarded {
                for e in try JWKSFile.read(path: paths.jwksPath).entries { print("\(e.kid)  \(e.keyType)  \(e.algorithm)") }
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entfernt einen Schlüssel aus der JWKS-Datei: mit ihm signierte Tokens werden ab dem nächsten Neulesen abgelehnt.")
        @OptionGroup var paths: Paths
        @Option(help: "Die kid des Schlüssels (lotse keys list); beginnt sie mit „-“: --kid=…") var kid: String

        func run() async throws {
            try await guarded {
                try JWKSFile.retire(kid: kid, in: paths.jwksPath)
                print("Schlüssel \(kid) zurückgezogen (\(paths.jwksPath)); Server lehnen seine Tokens nach dem Neulesen ab (≤ 1 s, oder SIGHUP).")
            }
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Gibt ein signiertes Bearer-Token für eine Rolle aus (ES256 mit dem privaten Schlüssel).")
    @Option(help: "hospital, dispatcher, crew, physician oder admin.", transform: parseRole) var role: Role
    @Option(help: "Kommagetrennt: Klinik-IDs, Rettungsdienstbereiche, Einheit, Zentrum oder *.") var scope: String
    @Option(help: "Gültigkeit, z. B. 8h, 30m (Server nehmen höchstens --max-token-ttl an, Standard 12h).") var ttl: String = "8h"
    @Option(help: "Name (Subjekt) des Tokens; wird mit jeder Änderung gespeichert.") var sub: String?
    @Option(help: "Privater Schlüssel (Umgebung: LOTSE_SIGNING_KEY; Standard: <db>.signing-key.pem).") var key: String?
    @Option(help: "Nur Entwicklung: mit HS256-Geheimnis signieren statt mit dem Schlüssel (Umgebung: LOTSE_DEV_SECRET).") var devSecret: String?
    @Option(help: "Protokoll, neben dem der Schlüssel standardmäßig liegt.") var db: String = "lotse.sqlite"

    func run() async throws {
        try await guarded {
            let r = role
            let scopes = scope.split(separator: ",").map { String($0).trimmedWhitespace }.filter { !$0.isEmpty }
            guard !scopes.isEmpty else { throw CLIError("--scope darf nicht leer sein / scope required") }
            let seconds = try KeyFiles.duration(ttl, option: "--ttl")
            let issuer: TokenIssuer
            if let dev = KeyFiles.devSecret(devSecret) { issuer = try await TokenIssuer(devSecret: dev) } else {
                let path = KeyFiles.signingKey(key, base: db)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CLIError("Kein privater Schlüssel unter \(path) – zuerst `lotse keys new` / no signing key")
                }
                issuer = await TokenIssuer(signingKey: try SigningKey.load(path: path))
            }
            let jti = UUID().lowercasedString
            let now = Date()
            print(try await issuer.issue(subject: sub ?? "\(r.rawValue)-\(scopes[0])", role: r, scope: scopes, ttlSeconds: seconds, now: now, jti: jti))
            let until = Timestamp(millis: Int64(now.addingTimeInterval(TimeInterval(seconds)).timeIntervalSince1970 * 1000)).iso8601
            FileHandle.standardError.write(Data("Token-ID (jti) \(jti), gültig bis \(until)\(seconds > 12 * 3600 ? " – länger als 12 h: Server lehnen es ohne --max-token-ttl ab" : "")\n".utf8))
        }
    }
}

struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Widerruft ein Token (Ereignis TokenRevoked): jeder Knoten lehnt es ab, sobald er das Ereignis angewendet hat.")
    @Option(help: "Token-ID (jti), wie `lotse token` sie ausgibt.") var jti: String?
    @Option(help: "Oder das Token selbst (seine jti wird gelesen, die Signatur nicht geprüft).") var token: String?
    @Option(help: "Grund, z. B. „Tablet RTW Bergen 1 gestohlen“.") var reason: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    func run() async throws {
        try await guarded {
            let id: String
            switch (jti, token) {
            case let (j?, nil): id = j
            case let (nil, t?):
                guard case let .string(j)? = try TokenVerifier.unverifiedClaims(of: t)["jti"] else { throw CLIError("Das Token hat keine jti / token without jti") }
                id = j
            default: throw CLIError("Genau eines angeben: --jti oder --token / give --jti or --token")
            }
            let log = try await store.openExisting()
            defer { log.close() }
            do {
                let o = try await TokenRevocationService(store: log.store, list: RevocationList()).revoke(
                    jti: id, reason: reason, by: actor.principal, at: try store.time(), idempotencyKey: actor.idempotencyKey)
                print(o.events.isEmpty ? "Token \(id) war schon widerrufen (Log-Position \(o.position))." : "Token \(id) widerrufen – Log-Position \(o.position).")
            } catch let e as TokenRevocationError {
                throw CLIError(e == .invalidTokenID ? "--jti: 1–200 sichtbare ASCII-Zeichen" : "--reason: 1–500 Zeichen angeben")
            }
        }
    }
}
