import Foundation
import LotseDomain

/// Tags of the Telenotarzt ids.
public enum CentreTag {}
public enum PhysicianTag {}
public enum ConsultationTag {}
/// A Telenotarzt centre, e.g. `TNA-Greifswald`.
public typealias CentreID = StringID<CentreTag>
/// A tele-emergency physician (the subject of their token).
public typealias PhysicianID = StringID<PhysicianTag>
/// A consultation (one request of a crew for a Telenotarzt).
public typealias ConsultationID = StringID<ConsultationTag>

/// Centres and the Rettungsdienstbereiche they serve; overflow only where configured. Data, not code.
public struct TNANetwork: Sendable, Hashable, Codable {
    public struct Centre: Sendable, Hashable, Codable {
        public let id: CentreID
        public let name: String
        public let districts: Set<DistrictID>
        /// Centres whose waiting cases this centre may take once they have waited past the backup alert.
        public let backupFor: Set<CentreID>
        /// The number a crew calls back on (shown on the crew page once a physician accepted); optional.
        public let phone: String?

        enum CodingKeys: String, CodingKey { case id, name, districts, backupFor, phone }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(CentreID.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            districts = try c.decode(Set<DistrictID>.self, forKey: .districts)
            backupFor = try c.decodeIfPresent(Set<CentreID>.self, forKey: .backupFor) ?? []
            phone = try c.decodeIfPresent(String.self, forKey: .phone)
        }

        public init(id: CentreID, name: String, districts: Set<DistrictID>, backupFor: Set<CentreID> = [], phone: String? = nil) {
            self.id = id
            self.name = name
            self.districts = districts
            self.backupFor = backupFor
            self.phone = phone
        }
    }

    public let centres: [Centre]
    public init(centres: [Centre]) { self.centres = centres }

    /// The centres contracted for `district`.
    public func primaryCentres(for district: DistrictID) -> Set<CentreID> {
        Set(centres.filter { $0.districts.contains(district) }.map(\.id))
    }

    /// Whether physicians of `centre` may take a case of `district`; `overflow` allows configured backup centres.
    public func serves(_ centre: CentreID, _ district: DistrictID, overflow: Bool) -> Bool {
        guard let c = centres.first(where: { $0.id == centre }) else { return false }
        if c.districts.contains(district) { return true }
        return overflow && !c.backupFor.isDisjoint(with: primaryCentres(for: district))
    }

    /// Reads a network from JSON: `{"centres": [{"id", "name", "districts": [...], "backupFor": [...], "phone"}]}`.
    public static func load(json: Data) throws -> TNANetwork {
        let n = try JSONDecoder().decode(TNANetwork.self, from: json)
        guard !n.centres.isEmpty, Set(n.centres.map(\.id)).count == n.centres.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "centres must be non-empty with unique ids"))
        }
        return n
    }

    /// The shipped MV configuration (`Resources/tna-mv.json`): Greifswald for all 8 Rettungsdienstbereiche, and an
    /// example backup centre. The server uses it unless `--tna-config` names another file.
    public static func bundledMV() throws -> TNANetwork {
        guard let url = Bundle.module.url(forResource: "tna-mv", withExtension: "json", subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try load(json: try Data(contentsOf: url))
    }

    /// MV as it is: one central centre (Greifswald) for all 8 Rettungsdienstbereiche.
    public static func mecklenburgVorpommern(districts: [DistrictID]) -> TNANetwork {
        TNANetwork(centres: [Centre(id: CentreID("TNA-Greifswald"), name: "Telenotarzt-Zentrale Greifswald", districts: Set(districts))])
    }
}

/// Timing rules of DESIGN §5 (configurable).
public struct TNARules: Sendable, Hashable, Codable {
    public var offerTimeoutSeconds: Int64 = 30
    public var backupAlertSeconds: Int64 = 60
    public var leitstelleAlertSeconds: Int64 = 300
    /// Waiting this long raises the effective priority by one step (aging).
    public var agingSeconds: Int64 = 120
    public init() {}
}
