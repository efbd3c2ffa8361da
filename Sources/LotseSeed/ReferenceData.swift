import Foundation
import LotseDomain

/// The reference data shipped with Lotse (copied from `../shared/data`, provenance in `Resources/PROVENANCE.md`).
public enum ReferenceData {
    /// The declared version of `pzc_requirements.csv` (Draft v0.1); the content hash is appended on load.
    public static let requirementTableVersion = "0.1"

    /// Text of a bundled resource file.
    public static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw ReferenceDataError.missing(name)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The requirement table in force.
    public static func requirementTable() throws -> RequirementTable {
        try RequirementTable.parse(csv: try text("pzc_requirements.csv"), declaredVersion: requirementTableVersion)
    }
}

public enum ReferenceDataError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .missing(n): "Referenzdatei \(n) fehlt im Paket / reference file missing"
        case let .malformed(f, l, r): "\(f), Zeile \(l): \(r)"
        }
    }
}
