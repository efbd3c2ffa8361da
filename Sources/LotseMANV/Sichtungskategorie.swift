/// The triage category of a patient in a mass-casualty incident (Sichtungskategorie, DIN 13050): who is treated and
/// transported first.
public enum Sichtungskategorie: Int, CaseIterable, Sendable, Codable, Comparable {
    /// SK I (rot): immediate danger to life — treatment and transport at once.
    case red = 1
    /// SK II (gelb): seriously injured — urgent.
    case yellow = 2
    /// SK III (grün): minor injuries — later.
    case green = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var germanLabel: String {
        switch self {
        case .red: "SK I (rot)"
        case .yellow: "SK II (gelb)"
        case .green: "SK III (grün)"
        }
    }
}
