import ArgumentParser
import LotseCapacity
import LotseDispatch
import LotseDomain

struct Hospitals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Listet die Kliniken mit Bereich, Notfallstufe und abgemeldeten Ressourcen.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Nur dieser Rettungsdienstbereich.") var district: String?

    func run() async throws {
        try await guarded {
            let log = try await store.openExisting()
            defer { log.close() }
            let now = try store.time()
            let projector = try await loadProjector(log)
            let ttl = DispatchParameters().statusTTLMinutes
            for h in projector.snapshot.hospitals.sorted(by: { $0.id < $1.id }) where district == nil || h.district.rawValue == district {
                let closed = h.profile.keys.compactMap { k -> String? in
                    switch h.condition(k).status(at: now, ttlMinutes: ttl) {
                    case let .closed(_, until, _): "\(k.rawValue) abgemeldet bis \(GermanTime.shortTime(until, relativeTo: now))"
                    case .unknown: "\(k.rawValue) unbekannt"
                    default: nil
                    }
                }
                print("\(h.id)  \(h.name) · \(h.district) · Stufe \(h.notfallstufe) · \(h.profile.count) Ressourcen"
                    + (closed.isEmpty ? "" : " · " + closed.joined(separator: ", ")))
            }
        }
    }
}
