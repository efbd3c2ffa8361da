import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LotseCapacity
import LotseSeed

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Importiert die 35 MV-Klinikstandorte (mit --demo: alle Ressourcen verfügbar, Demo-Betten).")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Demo-Zustand: jede Ressource des Profils verfügbar, plausible Bettenzahlen.")
    var demo = false

    func run() async throws {
        try await guarded {
            let log = try await store.open()
            defer { log.close() }
            let s = log.store
            let now = try store.time()
            if demo { try await DemoLog.claim(s, at: now) }
            let interactive = isatty(STDERR_FILENO) == 1
            let r = try await CapacityService(store: s).importHospitals(try Seeder.imports(), demo: demo, at: now) { done, total in
                guard interactive else { return }
                FileHandle.standardError.write(Data("\rImport \(done)/\(total) Standorte".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            print("Import nach \(log.description): \(r.registered) neu registriert, \(r.profilesChanged) Profile geändert, \(r.unchanged) unverändert"
                + (demo ? ", \(r.statusReports) Statusmeldungen, \(r.bedReports) Bettenmeldungen" : "")
                + " – Log-Position \(r.lastPosition).")
        }
    }
}
