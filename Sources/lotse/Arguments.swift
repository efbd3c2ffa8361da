import ArgumentParser
import LotseDomain
import LotseTokens

// Typed options: ArgumentParser calls these while it parses (`@Option(transform:)`), so a command's `run` gets
// values, not strings, and a bad value is one German line naming what is allowed.

/// `make(raw)`, or one German line saying what is allowed.
func parse<T>(_ raw: String, _ make: (String) -> T?, _ message: @autoclosure () -> String) throws -> T {
    guard let v = make(raw) else { throw CLIError(message()) }
    return v
}

func parseHospital(_ raw: String) throws -> HospitalID {
    try parse(raw, HospitalID.init, "Klinik-ID „\(raw)“ ist ungültig (z. B. 773589) / invalid hospital id")
}

func parseResource(_ raw: String) throws -> ResourceKey {
    try parse(raw, ResourceKey.init(rawValue:),
              "Ressource „\(raw)“ unbekannt; erlaubt: \(ResourceKey.allCases.map(\.rawValue).joined(separator: ", ")) / unknown resource")
}

func parseStatus(_ raw: String) throws -> ReportedStatus {
    try parse(raw, ReportedStatus.init(rawValue:), "--status muss available oder limited sein (Abmeldung: lotse close)")
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
    try parse(raw, Role.init(rawValue:), "Rolle „\(raw)“ unbekannt; erlaubt: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
}

func parseTime(_ raw: String) throws -> Timestamp {
    try parse(raw, Timestamp.init(iso8601:), "„\(raw)“ ist keine ISO-8601-Zeit / not an ISO 8601 time")
}

func parseRMI(_ raw: String) throws -> RMI {
    try parse(raw, RMI.init, "RMI „\(raw)“ muss aus 3 Ziffern bestehen / RMI must be 3 digits")
}

func parseUrgency(_ raw: String) throws -> Urgency {
    let n = try parse(raw, Int.init, "Dringlichkeit „\(raw)“: 1, 2 oder 3")
    guard let u = Urgency(rawValue: n) else { throw PZCError.urgencyOutOfRange(n) }
    return u
}
