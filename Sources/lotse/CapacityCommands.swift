import ArgumentParser
import LotseDomain

/// The resource of a hospital a command is about.
struct ResourceTarget: ParsableArguments {
    @Option(help: "Klinik-ID (STOID).", transform: parseHospital) var hospital: HospitalID
    @Option(help: "Ressource, z. B. stroke-unit.", transform: parseResource) var resource: ResourceKey
}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Meldet eine Ressource als verfügbar oder eingeschränkt.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var target: ResourceTarget
    @Option(help: "available oder limited.", transform: parseStatus) var status: ReportedStatus

    func run() async throws {
        try await guarded {
            try await runHospitalCommand(.reportStatus(target.resource, status), hospital: target.hospital, store: store, actor: actor)
        }
    }
}

struct Close: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Meldet eine Ressource ab (Grund und Ende sind Pflicht).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var target: ResourceTarget
    @Option(help: "Grund der Abmeldung.") var reason: String
    @Option(help: "Ende: 14:30, +90m, +2h oder ISO 8601.") var until: String

    func run() async throws {
        try await guarded {
            let u = try parseUntil(until, now: try store.time())
            try await runHospitalCommand(
                .close(target.resource, reason: reason, until: u), hospital: target.hospital, store: store, actor: actor)
        }
    }
}

struct Reopen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Beendet eine Abmeldung vorzeitig.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var target: ResourceTarget

    func run() async throws {
        try await guarded {
            try await runHospitalCommand(.reopen(target.resource), hospital: target.hospital, store: store, actor: actor)
        }
    }
}

struct Beds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Meldet freie/betreibbare Betten, z. B. --set icu-high-care=3/8 --set normal=40/300.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Klinik-ID (STOID).", transform: parseHospital) var hospital: HospitalID
    @Option(name: .customLong("set"), help: "KATEGORIE=FREI/BETREIBBAR; Kategorien: \(BedCategory.allCases.map(\.rawValue).joined(separator: ", ")).",
            transform: parseBedCount)
    var counts: [(BedCategory, BedCount)] = []

    func run() async throws {
        try await guarded {
            guard !counts.isEmpty else { throw CLIError("Mindestens ein --set KATEGORIE=FREI/BETREIBBAR angeben / give at least one --set") }
            var beds: [BedCategory: BedCount] = [:]
            for (category, count) in counts {
                guard beds[category] == nil else { throw CLIError("Kategorie \(category.rawValue) doppelt angegeben") }
                beds[category] = count
            }
            try await runHospitalCommand(.reportBeds(beds), hospital: hospital, store: store, actor: actor)
        }
    }
}
