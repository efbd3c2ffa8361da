import LotseDomain

/// The FHIR R4 data types Lotse's exports use (a subset: only the elements they fill). Optional elements that are
/// nil, and arrays that would be empty, are left out of the JSON (FHIR allows no empty arrays and no nulls).
public enum FHIR {
    /// The FHIR release of every resource here (ISiK, the German hospital IT profiles, are R4).
    public static let version = "4.0.1"
    public static let mediaType = "application/fhir+json"

    public struct Coding: Codable, Sendable, Equatable {
        public let system: String
        public let code: String
        public let display: String?

        public init(system: String, code: String, display: String? = nil) {
            self.system = system
            self.code = code
            self.display = display
        }
    }

    public struct CodeableConcept: Codable, Sendable, Equatable {
        public let coding: [Coding]
        public let text: String?

        public init(_ coding: Coding, text: String? = nil) {
            self.coding = [coding]
            self.text = text
        }
    }

    public struct Reference: Codable, Sendable, Equatable {
        public let reference: String
        public let display: String?

        public init(_ reference: String, display: String? = nil) {
            self.reference = reference
            self.display = display
        }
    }

    public struct Identifier: Codable, Sendable, Equatable {
        public let system: String
        public let value: String
    }

    public struct Period: Codable, Sendable, Equatable {
        public let start: String?
        public let end: String?

        public init(start: Timestamp?, end: Timestamp?) {
            self.start = start?.iso8601
            self.end = end?.iso8601
        }
    }

    public struct Meta: Codable, Sendable, Equatable {
        public let lastUpdated: String
        public init(_ t: Timestamp) { lastUpdated = t.iso8601 }
    }

    /// An extension with one value; the value's element name says its type (`valueCode`, `valueInteger`, …).
    public struct Extension: Codable, Sendable, Equatable {
        public let url: String
        public var valueCode: String? = nil
        public var valueInteger: Int? = nil
        public var valueDecimal: Double? = nil
        public var valueDateTime: String? = nil
        public var valueString: String? = nil

        public static func code(_ url: String, _ v: String) -> Extension { Extension(url: url, valueCode: v) }
        public static func integer(_ url: String, _ v: Int) -> Extension { Extension(url: url, valueInteger: v) }
        public static func decimal(_ url: String, _ v: Double) -> Extension { Extension(url: url, valueDecimal: v) }
        public static func dateTime(_ url: String, _ v: Timestamp) -> Extension { Extension(url: url, valueDateTime: v.iso8601) }
    }

    public struct Address: Codable, Sendable, Equatable {
        public let line: [String]?
        public let city: String?
        public let district: String?
        public let postalCode: String?
        public let country: String
    }

    public struct Position: Codable, Sendable, Equatable {
        public let longitude: Double
        public let latitude: Double
    }

    /// Lotse's own names: code systems, extensions, the measure. URNs, not web addresses — Lotse publishes no
    /// definitions under a domain; `Docs/FHIR.md` defines each.
    public enum System {
        public static let hospitalId = "urn:lotse:fhir:sid:hospital"
        public static let resource = "urn:lotse:fhir:CodeSystem:resource"
        public static let resourceStatus = "urn:lotse:fhir:CodeSystem:resource-status"
        public static let siteStatus = "urn:lotse:fhir:CodeSystem:site-status"
        public static let bedCategory = "urn:lotse:fhir:CodeSystem:bed-category"
        public static let bedPopulation = "urn:lotse:fhir:CodeSystem:bed-population"
        public static let bedMeasure = "urn:lotse:fhir:Measure:bed-capacity"
        public static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
        public static let notfallstufe = "urn:lotse:fhir:StructureDefinition:notfallstufe"
        public static let kinderNotfallstufe = "urn:lotse:fhir:StructureDefinition:kinder-notfallstufe"
        public static let statusExtension = "urn:lotse:fhir:StructureDefinition:resource-status"
        public static let reportedAt = "urn:lotse:fhir:StructureDefinition:reported-at"
        public static let dataAgeMinutes = "urn:lotse:fhir:StructureDefinition:data-age-minutes"
    }
}
