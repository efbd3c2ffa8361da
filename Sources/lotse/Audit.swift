import ArgumentParser
import Foundation
import LotseApplication
import LotseDomain
import LotseTelenotarzt

/// `lotse audit --case …`: who saw a case, when, by which route and why — for a data-subject request.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wer hat diesen Fall gesehen? Alle Lesezugriffe auf eine Voranmeldung oder Telenotarzt-Anfrage (Auskunftsersuchen).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("case"), help: "Id der Voranmeldung oder der Telenotarzt-Anfrage.") var caseId: String
    @Flag(help: "Als JSON-Zeilen statt als Tabelle.") var json = false

    func run() async throws {
        try await guarded {
            let id = caseId.trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw CLIError("--case braucht eine Id / case id required") }
            let log = try await store.openExisting()
            defer { log.close() }
            let details = try await ConsultationAuditService(store: log.store).reads(of: id).map {
                (at: $0.at, principal: $0.principal, route: "/v1/consultations/{id}", reason: $0.reason)
            }
            let lists = try await PersonalDataAuditService(store: log.store).reads(of: id).map {
                (at: $0.at, principal: $0.principal, route: $0.route, reason: $0.reason)
            }
            let entries = (details + lists).sorted { $0.at < $1.at }
            if json {
                for e in entries {
                    var w = JSONWriter(capacity: 160)
                    w.object { o in
                        o.field("at") { $0.string(e.at.iso8601) }
                        o.field("principal") { $0.string(e.principal) }
                        o.field("route") { $0.string(e.route) }
                        o.field("reason") { $0.string(e.reason) }
                    }
                    print(String(decoding: w.bytes, as: UTF8.self))
                }
                return
            }
            print("Fall \(id): \(entries.count) Lesezugriffe im Protokoll \(log.description)")
            for e in entries { print("\(GermanTime.dateTime(e.at))\t\(e.principal)\t\(e.route)\t\(e.reason)") }
        }
    }
}
