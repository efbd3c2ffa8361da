import LotseDomain

extension FHIR {
    /// What Lotse's FHIR interface offers (`GET /v1/fhir/metadata`): read-only, JSON, R4, bearer tokens.
    public struct CapabilityStatement: Encodable, Sendable {
        public let resourceType = "CapabilityStatement"
        public let status = "active"
        public let date: String
        public let publisher = "Lotse"
        public let kind = "instance"
        public let software: Software
        public let implementation: Implementation
        public let fhirVersion = FHIR.version
        public let format = [FHIR.mediaType]
        public let rest: [Rest]

        public struct Software: Encodable, Sendable {
            public let name = "Lotse"
        }

        public struct Implementation: Encodable, Sendable {
            public let description = "Lotse – Kapazitätsnachweis der Notfallversorgung (nur lesend)"
        }

        public struct Rest: Encodable, Sendable {
            public let mode = "server"
            public let security: Security
            public let resource: [Resource]
        }

        public struct Security: Encodable, Sendable {
            public let description = "Bearer-Token (JWT, ES256) im Authorization-Header, wie für jede Route von Lotse; "
                + "alle Rollen dürfen lesen."
        }

        public struct Resource: Encodable, Sendable {
            public let type: String
            public let interaction: [Interaction]
            public let searchParam: [SearchParam]?
        }

        public struct Interaction: Encodable, Sendable {
            public let code: String
        }

        public struct SearchParam: Encodable, Sendable {
            public let name: String
            public let type: String
            public let documentation: String
        }

        public init(at now: Timestamp) {
            date = now.iso8601
            software = Software()
            implementation = Implementation()
            let asOf = SearchParam(name: "asOf", type: "date", documentation: "Der Stand zu einem früheren Zeitpunkt (ISO 8601).")
            rest = [Rest(security: Security(), resource: [
                Resource(type: "Location", interaction: [Interaction(code: "read"), Interaction(code: "search-type")], searchParam: nil),
                Resource(type: "HealthcareService", interaction: [Interaction(code: "search-type")],
                         searchParam: [SearchParam(name: "location", type: "reference", documentation: "Nur die Ressourcen dieses Standorts (Location/<id>).")]),
                Resource(type: "MeasureReport", interaction: [Interaction(code: "search-type")],
                         searchParam: [SearchParam(name: "subject", type: "reference", documentation: "Nur die Bettenmeldung dieses Standorts (Location/<id>).")]),
                Resource(type: "Bundle", interaction: [Interaction(code: "search-type")], searchParam: [asOf]),
            ])]
        }
    }
}
