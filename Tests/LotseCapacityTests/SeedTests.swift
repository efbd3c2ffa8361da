import LotseCapacity
import LotseDomain
import LotseSeed
import Testing

@Suite struct SeedTests {
    /// The derived profiles match the sanity table of RESOURCES.md for all 35 sites, key by key.
    @Test func profilesMatchTheTableInResourcesMD() throws {
        let md = try ReferenceData.text("RESOURCES.md")
        let base: [ResourceKey] = [.emergencyDepartment, .traumaBay, .ct, .icu, .internalMedicine]
        var expected: [String: ResourceSet] = [:]
        for line in md.split(separator: "\n") where line.hasPrefix("| 77") {
            let cells = line.split(separator: "|").map { String($0).trimmingCharacters(in: " ") }
            let keys = cells[3].split(separator: ",").map { String($0).trimmingCharacters(in: " ") }
            var set = ResourceSet()
            for k in keys where k != "—" {
                if k == "BASE" { base.forEach { set.insert($0) } } else { set.insert(try #require(ResourceKey(rawValue: k), "unknown key \(k)")) }
            }
            expected[cells[0]] = set
        }
        #expect(expected.count == 35)
        let regs = try Seeder.registrations()
        #expect(regs.count == 35)
        for (r, _) in regs {
            let want = try #require(expected[r.id.rawValue], "\(r.id) missing from RESOURCES.md")
            #expect(r.profile == want, "\(r.id) \(r.name): derived \(r.profile.keys) vs table \(want.keys)")
        }
    }

    @Test func sitesAreInTheRightRettungsdienstbereich() throws {
        let regs = Dictionary(uniqueKeysWithValues: try Seeder.registrations().map { ($0.0.id.rawValue, $0.0.district.rawValue) })
        #expect(regs["771003"] == "Rostock")                    // Klinikum Südstadt
        #expect(regs["773084"] == "Rostock")                    // UMR
        #expect(regs["773589"] == "Vorpommern-Greifswald")     // UMG
        #expect(regs["772096"] == "Vorpommern-Rügen")          // Sana Rügen, Bergen
        #expect(regs["772916"] == "Schwerin")                  // Helios Schwerin
        #expect(regs["772893"] == "Mecklenburgische Seenplatte") // Neubrandenburg
        #expect(regs["772987"] == "Landkreis Rostock")          // Güstrow
        #expect(regs["773601"] == "Ludwigslust-Parchim")
        #expect(regs["771028"] == "Nordwestmecklenburg")        // Grevesmühlen
        #expect(Set(regs.values).count == 8, "MV has 8 Rettungsdienstbereiche: \(Set(regs.values).sorted())")
    }

    @Test func demoBedsArePlausible() throws {
        for (r, s) in try Seeder.registrations() {
            let beds = DemoBeds.counts(for: s, profile: r.profile)
            for (cat, c) in beds { #expect(c.free >= 0 && c.free <= c.operable, "\(r.id) \(cat)") }
            if r.profile.contains(.icu), s.beds > 0 {
                let icu = (beds[.icuHighCare]?.operable ?? 0) + (beds[.icuLowCare]?.operable ?? 0)
                let minimum = [3: 20, 2: 10, 1: 6][r.notfallstufe] ?? 4
                #expect(icu >= minimum, "\(r.id) ICU \(icu) below the G-BA minimum")
                #expect((beds[.icuHighCare]?.free ?? 0) + (beds[.icuLowCare]?.free ?? 0) >= 1)
            }
            if s.beds > 0 {
                let total = beds.filter { $0.key != .ecmo }.values.map(\.operable).reduce(0, +)
                #expect(total == s.beds, "\(r.id): categories add up to the site's beds")
            }
            #expect((beds[.ecmo] != nil) == r.profile.contains(.ecmo))
        }
    }

    @Test func seedingTwiceRegistersNothingTwice() async throws {
        let store = try await seededStore(demo: false)
        let head = try await store.head()
        #expect(head == 35)
        let again = try await CapacityService(store: store).importHospitals(try Seeder.imports(), demo: false, at: t0.adding(minutes: 5))
        #expect(again.registered == 0 && again.unchanged == 35 && again.profilesChanged == 0)
        #expect(try await store.head() == head)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
