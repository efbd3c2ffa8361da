import ArgumentParser
import LotseDomain

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Meldet eine Ressource als verfügbar oder eingeschränkt.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Klinik-ID (STOID).") var hospital: String
    @Option(help: "Ressource, z. B. stroke-unit.") var resource: String
    @Option(help: "available oder limited.") var status: String

    func run() async throws {
        try await guarded {
            guard let s = ReportedStatus(rawValue: status) else { throw CLIError("--status muss available oder limited sein (Abmeldung: lotse close)") }
            try await runHospitalCommand(.reportStatus(try parseResource(resource), s), hospital: try parseHospital(hospital), store: store, actor: actor)
        }
    }
}

struct Close: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Meldet eine Ressource ab (Grund und Ende sind Pflicht).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Klinik-ID (STOID).") var hospital: String
    @Option(help: "Ressource, z. B. stroke-unit.") var resource: String
    @Option(help: "Grund der Abmeldung.") var reason: String
    @Option(help: "Ende: 14:30, +90m, +2h oder ISO 8601.") var until: String

    func run() async throws {
        try await guarded {
            let u = try parseUntil(until, now: try store.time())
            try await runHospitalCommand(
                .close(try parseResource(resource), reason: reason, until: u), hospital: try parseHospital(hospital), store: store, actor: actor)
        }
    }
}

struct Reopen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Beendet eine Abmeldung vorzeitig.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Klinik-ID (STOID).") var hospital: String
    @Option(help: "Ressource, z. B. stroke-unit.") var resource: String

    func run() async throws {
        try await guarded {
            try await runHospitalCommand(.reopen(try parseResource(resource)), hospital: try parseHospital(hospital), store: store, actor: actor)
        }
    }
}

struct Beds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Meldet freie/betreibbare Betten, z. B. --set icu-high-care=3/8 --set normal=40/300.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Klinik-ID (STOID).") var hospital: String
    @Option(name: .customLong("set"), help: "KATEGORIE=FREI/BETREIBBAR; Kategorien: \(BedCategory.allCases.map(\.rawValue).joined(separator: ", ")).")
    var counts: [String] = []

    func run() async throws {
        try await guarded {
            guard !counts.isEmpty else { throw CLIError("Mindestens ein --set KATEGORIE=FREI/BETREIBBAR angeben / give at least one --set") }
            var beds: [BedCategory: BedCount] = [:]
            for c in counts {
                let kv = c.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, let cat = BedCategory(rawValue: kv[0]) else {
                    throw CLIError("„\(c)“: Kategorie unbekannt; erlaubt: \(BedCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let fo = kv[1].split(separator: "/").map { Int($0) }
                guard fo.count == 2, let free = fo[0], let operable = fo[1] else { throw CLIError("„\(c)“: erwartet FREI/BETREIBBAR, z. B. 3/8") }
                guard beds[cat] == nil else { throw CLIError("Kategorie \(cat.rawValue) doppelt angegeben") }
                beds[cat] = BedCount(free: free, operable: operable)
            }
            try await runHospitalCommand(.reportBeds(beds), hospital: try parseHospital(hospital), store: store, actor: actor)
        }
    }
}
