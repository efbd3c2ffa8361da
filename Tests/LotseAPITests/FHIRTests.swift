import Foundation
import HTTPTypes
import HummingbirdTesting
import LotseAPI
import LotseDomain
import LotseExport
import Testing

/// The FHIR interface shows what the board shows: every site, every resource's status (closures with reason and end,
/// unknown after the TTL — never available), the bed counts; one site by id; searches by site; a past moment.
/// (Every resource is validated against the FHIR R4B models by `Tests/FHIR/fhir_validation.py` in CI.)
@Suite struct FHIRTests {
    let closure = "/v1/hospitals/772096/resources/stroke-unit/closure"

    func get(_ client: any TestClientProtocol, _ f: APIFixture, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: f.headers(.dispatcher))
    }

    func entries(_ bundle: TestResponse) -> [[String: Any]] {
        ((bundle.json["entry"] as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? [String: Any] }
    }

    func ext(_ r: [String: Any], _ url: String) -> [String: Any]? {
        (r["extension"] as? [[String: Any]])?.first { $0["url"] as? String == url }
    }

    /// Every site, resource and bed count of the bundle against the board of the same moment.
    func expectAgreement(bundle: TestResponse, board: TestResponse) {
        #expect(bundle.headers[.contentType] == "application/fhir+json")
        #expect(bundle.json["resourceType"] as? String == "Bundle" && bundle.json["type"] as? String == "collection")
        let resources = entries(bundle)
        let byId = Dictionary(resources.map { ("\($0["resourceType"]!)/\($0["id"]!)", $0) }, uniquingKeysWith: { a, _ in a })
        let hospitals = board.json["hospitals"] as? [[String: Any]] ?? []
        #expect(!hospitals.isEmpty)
        var expectedCount = 0
        for h in hospitals {
            let id = h["hospitalId"] as! String
            guard let loc = byId["Location/\(id)"] else {
                Issue.record("no Location for \(id)")
                continue
            }
            expectedCount += 1
            #expect(loc["name"] as? String == h["name"] as? String)
            let pos = loc["position"] as? [String: Any]
            #expect(pos?["latitude"] as? Double == h["lat"] as? Double && pos?["longitude"] as? Double == h["lon"] as? Double)
            #expect(ext(loc, FHIR.System.notfallstufe)?["valueInteger"] as? Int == h["notfallstufe"] as? Int)
            let states = h["resources"] as? [[String: Any]] ?? []
            let takes = states.contains { ["available", "limited"].contains($0["status"] as? String) }
            let allClosed = !states.isEmpty && states.allSatisfy { $0["status"] as? String == "closed" }
            let site = (loc["operationalStatus"] as? [String: Any])?["code"] as? String
            #expect(site == (takes ? "open" : allClosed ? "closed" : "unknown"), "site status of \(id)")
            for s in states {
                expectedCount += 1
                let key = s["resource"] as! String
                guard let hs = byId["HealthcareService/\(id)-\(key)"] else {
                    Issue.record("no HealthcareService for \(id) \(key)")
                    continue
                }
                #expect(ext(hs, FHIR.System.statusExtension)?["valueCode"] as? String == s["status"] as? String, "\(id) \(key)")
                #expect(((hs["location"] as? [[String: Any]])?.first?["reference"] as? String) == "Location/\(id)")
                #expect(hs["name"] as? String == s["label"] as? String)
                if s["status"] as? String == "closed" {
                    let na = (hs["notAvailable"] as? [[String: Any]])?.first
                    #expect(na?["description"] as? String == s["reason"] as? String)
                    let end = ((na?["during"] as? [String: Any])?["end"] as? String).flatMap(Timestamp.init(iso8601:))
                    #expect(end == (s["until"] as? String).flatMap(Timestamp.init(iso8601:)))
                } else {
                    #expect(hs["notAvailable"] == nil)
                }
            }
            let beds = h["beds"] as? [String: [String: Int]] ?? [:]
            if beds.isEmpty {
                #expect(byId["MeasureReport/\(id)-beds"] == nil)
                continue
            }
            expectedCount += 1
            let report = byId["MeasureReport/\(id)-beds"]
            let groups = report?["group"] as? [[String: Any]] ?? []
            #expect(groups.count == beds.count)
            for g in groups {
                let category = (((g["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String) ?? ""
                var counts: [String: Int] = [:]
                for p in g["population"] as? [[String: Any]] ?? [] {
                    let code = (((p["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String) ?? ""
                    counts[code] = p["count"] as? Int
                }
                let b = beds[category]
                #expect(counts["total"] == b?["operable"] && counts["free"] == b?["free"], "\(id) \(category)")
                #expect(counts["occupied"].map { $0 + (b?["free"] ?? 0) } == b?["operable"])
            }
        }
        #expect(resources.count == expectedCount, "nothing in the bundle the board does not show")
    }

    @Test func theBundleShowsWhatTheBoardShows() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let closed = try await client.execute(uri: closure, method: .put, headers: f.headers(.hospital),
                                                  body: body(#"{"reason":"CT defekt","until":"2026-11-23T12:30:00Z"}"#))
            #expect(closed.status == .ok)
            let beds = try await client.execute(uri: "/v1/hospitals/772096/beds", method: .put, headers: f.headers(.hospital),
                                                body: body(#"{"beds":{"normal":{"free":3,"operable":10},"icu-high-care":{"free":0,"operable":4}}}"#))
            #expect(beds.status == .ok)
            let position = closed.json["position"] as? Int ?? 0
            let board = try await get(client, f, "/v1/board?minPosition=\(max(position, beds.json["position"] as? Int ?? 0))")
            expectAgreement(bundle: try await get(client, f, "/v1/fhir/Bundle"), board: board)

            // After the TTL nothing reported is available any more: unknown on the board and in FHIR alike (the
            // expired closure reopened the stroke unit at 12:30; 12 h later that is unknown too).
            f.clock.advance(minutes: 15 * 60)
            let stale = try await get(client, f, "/v1/fhir/Bundle")
            expectAgreement(bundle: stale, board: try await get(client, f, "/v1/board"))
            let statuses = entries(stale).filter { $0["resourceType"] as? String == "HealthcareService" }
                .compactMap { ext($0, FHIR.System.statusExtension)?["valueCode"] as? String }
            #expect(!statuses.isEmpty && !statuses.contains("available") && !statuses.contains("limited"))

            // A past moment: before the closure the stroke unit took patients.
            let before = try await get(client, f, "/v1/fhir/Bundle?asOf=\(t0.adding(minutes: 4).iso8601)")
            let strokeBefore = entries(before).first { $0["id"] as? String == "772096-stroke-unit" }
            #expect(strokeBefore.flatMap { ext($0, FHIR.System.statusExtension)?["valueCode"] as? String } == "available")
            let future = try await get(client, f, "/v1/fhir/Bundle?asOf=2030-01-01T00:00:00Z")
            #expect(future.status == .unprocessableContent)
        }
    }

    @Test func oneSiteAndSearchesBySite() async throws {
        let f = try await APIFixture.make()
        try await f.run { client in
            let loc = try await get(client, f, "/v1/fhir/Location/772096")
            #expect(loc.status == .ok && loc.headers[.contentType] == "application/fhir+json")
            #expect(loc.json["resourceType"] as? String == "Location" && loc.json["id"] as? String == "772096")
            let address = loc.json["address"] as? [String: Any]
            #expect(address?["line"] as? [String] == ["Schützenstraße 1"] && address?["postalCode"] as? String == "18528")
            #expect(address?["city"] as? String == "Bergen auf Rügen" && address?["country"] as? String == "DE")
            let missing = try await get(client, f, "/v1/fhir/Location/999999")
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")

            let all = try await get(client, f, "/v1/fhir/Location")
            #expect(all.json["type"] as? String == "searchset" && (all.json["total"] as? Int ?? 0) == entries(all).count && entries(all).count > 30)

            for query in ["location=Location/772096", "location=772096"] {
                let services = entries(try await get(client, f, "/v1/fhir/HealthcareService?\(query)"))
                #expect(!services.isEmpty)
                #expect(services.allSatisfy { (($0["location"] as? [[String: Any]])?.first?["reference"] as? String) == "Location/772096" })
            }
            #expect(entries(try await get(client, f, "/v1/fhir/HealthcareService?location=Location/999999")).isEmpty)
            let reports = entries(try await get(client, f, "/v1/fhir/MeasureReport?subject=Location/772096"))
            #expect(reports.allSatisfy { (($0["subject"] as? [String: Any])?["reference"] as? String) == "Location/772096" })
            let unknownParameter = try await get(client, f, "/v1/fhir/Location?name=x")
            #expect(unknownParameter.status == .badRequest)
            let meta = try await get(client, f, "/v1/fhir/metadata")
            #expect(meta.json["resourceType"] as? String == "CapabilityStatement" && meta.json["fhirVersion"] as? String == "4.0.1")
            let anonymous = try await client.execute(uri: "/v1/fhir/Bundle", method: .get, headers: f.headers(nil))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func idsThatAreNoFHIRIdsAreMapped() {
        #expect(FHIRExport.id(of: HospitalID("772096")!) == "772096")
        #expect(FHIRExport.id(of: HospitalID("site-7.b")!) == "site-7.b")
        let mapped = FHIRExport.id(of: HospitalID("site_7")!)
        #expect(mapped.hasPrefix("h-") && mapped != FHIRExport.id(of: HospitalID("site_8")!))
        #expect(mapped.utf8.allSatisfy { $0 == 0x2D || $0 == 0x2E || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
    }
}
