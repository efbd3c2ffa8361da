/// One row of `pzc_requirements.csv`: what a hospital must have to take a patient with this RMI.
public struct Requirement: Hashable, Sendable {
    public let rmi: RMI
    public let nameDE: String
    public let group: String
    /// All of these must be in the hospital's profile and taking patients.
    public let required: ResourceSet
    /// Ranked information only (DESIGN §4 does not score them).
    public let preferred: ResourceSet
    /// Lowest G-BA Notfallstufe allowed.
    public let minNotfallstufe: Int
    /// Empty for codes that are not allocation codes (000, 111, 121–123, 631).
    public let allowedUrgencies: Set<Urgency>
    /// Paediatric keys that replace their adult counterparts for patients under 18.
    public let pediatricAlternative: [ResourceKey]

    public init(rmi: RMI, nameDE: String, group: String, required: ResourceSet, preferred: ResourceSet,
                minNotfallstufe: Int, allowedUrgencies: Set<Urgency>, pediatricAlternative: [ResourceKey]) {
        self.rmi = rmi
        self.nameDE = nameDE
        self.group = group
        self.required = required
        self.preferred = preferred
        self.minNotfallstufe = minNotfallstufe
        self.allowedUrgencies = allowedUrgencies
        self.pediatricAlternative = pediatricAlternative
    }

    /// Whether this code sends a patient to a hospital at all.
    public var isAllocationCode: Bool { !allowedUrgencies.isEmpty }

    /// Required and preferred keys for a patient of `age`, with the paediatric substitution of RESOURCES.md
    /// for patients under 18: each listed key replaces its adult counterpart in the list that holds it,
    /// or is added to `required` when neither list holds it.
    public func resources(forAge age: Int) -> (required: ResourceSet, preferred: ResourceSet) {
        guard age < 18 else { return (required, preferred) }
        var req = required, pref = preferred
        for key in pediatricAlternative {
            if let adult = key.adultCounterpart, req.contains(adult) {
                req.remove(adult)
                req.insert(key)
            } else if let adult = key.adultCounterpart, pref.contains(adult) {
                pref.remove(adult)
                pref.insert(key)
            } else {
                req.insert(key)
            }
        }
        return (req, pref.subtracting(req))
    }
}

/// The versioned requirement table (RMI → requirement). Every dispatch answer names `version`.
public struct RequirementTable: Sendable {
    /// `<declared version>+<content hash>`, e.g. `0.1+3f2a9c1d`: changes whenever a byte of the table changes.
    public let version: String
    public let rows: [RMI: Requirement]

    public init(version: String, rows: [RMI: Requirement]) {
        self.version = version
        self.rows = rows
    }

    public subscript(rmi: RMI) -> Requirement? { rows[rmi] }

    /// Parses the CSV format of `pzc_requirements.csv`. Rejects unknown resource keys, bad urgencies and
    /// duplicate codes with the line number, so a broken table never loads.
    public static func parse(csv: String, declaredVersion: String) throws(RequirementTableError) -> RequirementTable {
        let records = CSV.parse(csv)
        guard let header = records.first else { throw .empty }
        let need = ["rmi", "name_de", "group", "required", "preferred", "min_notfallstufe", "allowed_urgencies", "pediatric_alternative"]
        var col: [String: Int] = [:]
        for (i, h) in header.enumerated() { col[h] = i }
        for n in need where col[n] == nil { throw .missingColumn(n) }
        func keys(_ field: String, line: Int) throws(RequirementTableError) -> [ResourceKey] {
            var out: [ResourceKey] = []
            for part in field.split(separator: ";") {
                let t = String(part).trimmedWhitespace
                guard let k = ResourceKey(rawValue: t) else { throw .unknownResource(line: line, key: t) }
                out.append(k)
            }
            return out
        }
        var rows: [RMI: Requirement] = [:]
        for (n, r) in records.dropFirst().enumerated() where !(r.count == 1 && r[0].isEmpty) {
            let line = n + 2
            guard r.count >= header.count else { throw .shortLine(line) }
            guard let rmi = RMI(r[col["rmi"]!]) else { throw .badRMI(line: line, value: r[col["rmi"]!]) }
            guard rows[rmi] == nil else { throw .duplicateRMI(line: line, rmi: rmi.code) }
            guard let stufe = Int(r[col["min_notfallstufe"]!]), (0...3).contains(stufe) else {
                throw .badStufe(line: line, value: r[col["min_notfallstufe"]!])
            }
            var urg = Set<Urgency>()
            for u in r[col["allowed_urgencies"]!].split(separator: ";") {
                guard let v = Int(String(u).trimmedWhitespace), let x = Urgency(rawValue: v) else {
                    throw .badUrgency(line: line, value: String(u))
                }
                urg.insert(x)
            }
            let required = ResourceSet(try keys(r[col["required"]!], line: line))
            if !urg.isEmpty && required.isEmpty && rmi.code != "601" {
                // 601 (booked service) is the only allocation code without a constraint; see pzc_requirements.md.
                throw .allocationWithoutRequirements(line: line, rmi: rmi.code)
            }
            rows[rmi] = Requirement(
                rmi: rmi, nameDE: r[col["name_de"]!], group: r[col["group"]!], required: required,
                preferred: ResourceSet(try keys(r[col["preferred"]!], line: line)), minNotfallstufe: stufe,
                allowedUrgencies: urg, pediatricAlternative: try keys(r[col["pediatric_alternative"]!], line: line))
        }
        return RequirementTable(version: "\(declaredVersion)+\(FNV1a.hex(csv))", rows: rows)
    }
}

/// Why the requirement table did not load. The operator must fix the file; Lotse does not start with a broken table.
public enum RequirementTableError: Error, Equatable, Sendable {
    case empty
    case missingColumn(String)
    case shortLine(Int)
    case badRMI(line: Int, value: String)
    case duplicateRMI(line: Int, rmi: String)
    case badStufe(line: Int, value: String)
    case badUrgency(line: Int, value: String)
    case unknownResource(line: Int, key: String)
    case allocationWithoutRequirements(line: Int, rmi: String)
}

/// 64-bit FNV-1a, for content versions (not for security).
public enum FNV1a {
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }

    public static func hex(_ s: String) -> String {
        let v = String(hash(s), radix: 16)
        return String(repeating: "0", count: 16 - v.count) + v
    }
}
