/// Patients per Sichtungskategorie (how a hospital's MANV acceptance and an incident's patients are counted).
public struct MANVCounts: Sendable, Hashable, Codable {
    public var red: Int
    public var yellow: Int
    public var green: Int

    public init(red: Int = 0, yellow: Int = 0, green: Int = 0) {
        self.red = red
        self.yellow = yellow
        self.green = green
    }

    public static let zero = MANVCounts()

    public subscript(_ category: Sichtungskategorie) -> Int {
        get {
            switch category {
            case .red: red
            case .yellow: yellow
            case .green: green
            }
        }
        set {
            switch category {
            case .red: red = newValue
            case .yellow: yellow = newValue
            case .green: green = newValue
            }
        }
    }

    public var total: Int { red + yellow + green }

    /// As the planner takes it.
    public var byCategory: [Sichtungskategorie: Int] {
        Dictionary(uniqueKeysWithValues: Sichtungskategorie.allCases.map { ($0, self[$0]) })
    }
}
