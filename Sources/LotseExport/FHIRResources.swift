import LotseDomain

extension FHIR {
    /// A hospital site.
    public struct Location: Encodable, Sendable, Equatable {
        public let resourceType = "Location"
        public let id: String
        public let meta: Meta?
        public let `extension`: [Extension]
        public let identifier: [Identifier]
        public let status = "active"
        /// Lotse's site status: open (a resource takes patients), closed (every resource is closed), unknown.
        public let operationalStatus: Coding
        public let name: String
        public let mode = "instance"
        public let type: [CodeableConcept]
        public let address: Address?
        public let position: Position
    }

    /// One resource (Stroke Unit, Herzkatheterlabor, …) of a site, with its status as Lotse shows it.
    public struct HealthcareService: Encodable, Sendable, Equatable {
        public let resourceType = "HealthcareService"
        public let id: String
        public let meta: Meta?
        /// The status (`available`, `limited`, `closed`, `unknown`) and when it was reported.
        public let `extension`: [Extension]
        public let active = true
        public let type: [CodeableConcept]
        public let location: [Reference]
        public let name: String
        /// A closure: its reason, from when until when.
        public let notAvailable: [NotAvailable]?
        /// The status in German words, as the board shows it.
        public let availabilityExceptions: String

        public struct NotAvailable: Encodable, Sendable, Equatable {
            public let description: String
            public let during: Period
        }
    }

    /// The bed counts of a site's last report, per category: total (operable), occupied, free.
    public struct MeasureReport: Encodable, Sendable, Equatable {
        public let resourceType = "MeasureReport"
        public let id: String
        public let `extension`: [Extension]
        public let status = "complete"
        public let type = "summary"
        public let measure = System.bedMeasure
        public let subject: Reference
        public let date: String
        public let period: Period
        public let group: [Group]

        public struct Group: Encodable, Sendable, Equatable {
            public let code: CodeableConcept
            public let population: [Population]
        }

        public struct Population: Encodable, Sendable, Equatable {
            public let code: CodeableConcept
            public let count: Int
        }
    }

    /// Any resource of a bundle.
    public enum Resource: Encodable, Sendable, Equatable {
        case location(Location)
        case healthcareService(HealthcareService)
        case measureReport(MeasureReport)

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case let .location(r): try r.encode(to: encoder)
            case let .healthcareService(r): try r.encode(to: encoder)
            case let .measureReport(r): try r.encode(to: encoder)
            }
        }
    }

    /// A `collection` (everything of a moment) or a `searchset` (the answer to a search).
    public struct Bundle: Encodable, Sendable, Equatable {
        public let resourceType = "Bundle"
        public let id: String
        public let meta: Meta
        public let type: String
        public let timestamp: String
        public let total: Int?
        public let entry: [Entry]?

        public struct Entry: Encodable, Sendable, Equatable {
            public let resource: Resource
            public let search: Search?
        }

        public struct Search: Encodable, Sendable, Equatable {
            public let mode = "match"
        }

        public init(id: String, type: String, at: Timestamp, resources: [Resource]) {
            self.id = id
            self.type = type
            meta = Meta(at)
            timestamp = at.iso8601
            total = type == "searchset" ? resources.count : nil
            entry = resources.isEmpty ? nil : resources.map { Entry(resource: $0, search: type == "searchset" ? Search() : nil) }
        }
    }
}
