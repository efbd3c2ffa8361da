import ArgumentParser
import LotseDomain
import LotseTokens

// Typed options: ArgumentParser calls these while it parses (`@Option(transform:)`), so a command's `run` gets
// values, not strings, and a bad value is one German line naming what is allowed.

func parseHospital(_ raw: String) throws -> HospitalID {
    guard let id = HospitalID(raw) else { throw CLIError("Klinik-ID „\(raw)“ ist ungültig (z. B. 773589) / invalid hospital id") }
    return id
}

func parseResource(_ raw: String) throws -> ResourceKey {
    guard let k = ResourceKey(rawValue: raw) else {
        throw CLIError("Ressource „\(raw)“ unbekannt; erlaubt: \(ResourceKey.allCases.map(\.rawValue).joined(separator: ", ")) / unknown resource")
    }
    return k
}

func parseStatus(_ raw: String) throws -> ReportedStatus {
    guard let s = ReportedStatus(rawValue: raw) else { throw CLIError("--status muss available oder limited sein (Abmeldung: lotse close)") }
    return s
}

/// `KATEGORIE=FREI/BETREIBBAR`, e.g. `icu-high-care=3/8`.
func parseBedCount(_ raw: String) throws -> (BedCategory, BedCount) {
    let kv = raw.split(separator: "=", maxSplits: 1).map(String.init)
    guard kv.count == 2, let category = BedCategory(rawValue: kv[0]) else {
        throw CLIError("„\(raw)“: Kategorie unbekannt; erlaubt: \(BedCategory.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let fo = kv[1].split(separator: "/").map { Int($0) }
    guard fo.count == 2, let free = fo[0], let operable = fo[1] else { throw CLIError("„\(raw)“: erwartet FREI/BETREIBBAR, z. B. 3/8") }
    return (category, BedCount(free: free, operable: operable))
}

func parseRole(_ raw: String) throws -> Role {
    guard let r = Role(rawValue: raw) else {
        throw CLIError("Rolle „\(raw)“ unbekannt; erlaubt: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return r
}

func parseTime(_ raw: String) throws -> Timestamp {
    guard let t = Timestamp(iso8601: raw) else { throw CLIError("„\(raw)“ ist keine ISO-8601-Zeit / not an ISO 8601 time") }
    return t
}

func parseRMI(_ raw: String) throws -> RMI {
    guard let r = RMI(raw) else { throw CLIError("RMI „\(raw)“ muss aus 3 Ziffern bestehen / RMI must be 3 digits") }
    return r
}

func parseUrgency(_ raw: String) throws -> Urgency {
    guard let n = Int(raw) else { throw CLIError("Dringlichkeit „\(raw)“: 1, 2 oder 3") }
    guard let u = Urgency(rawValue: n) else { throw PZCError.urgencyOutOfRange(n) }
    return u
}
