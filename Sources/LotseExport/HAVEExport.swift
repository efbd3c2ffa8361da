import LotseCapacity
import LotseDomain

/// The capacity index as an OASIS EDXL-HAVE 2.0 document (Hospital AVailability Exchange): per site its
/// `facilityInformation` (name, position, address, the emergency department's EMS traffic status and offload time),
/// a `serviceList` of its resources with their status, and a `serviceList` of its bed categories with
/// `serviceBedCapacity`. Element names and order follow the HAVE 2.0 schema (the 2012 working draft, the only 2.0
/// schema available offline: `Docs/EDXL-HAVE.md`); nothing of HAVE 1.0 is mixed in.
public struct HAVEExport: Sendable {
    public static let namespace = "urn:oasis:names:tc:emergency:edxl:have:2.0"
    public static let mediaType = "application/xml"
    public static let resourceTaxonomy = "urn:lotse:have:resource"
    public static let bedTaxonomy = "urn:lotse:have:bed-category"

    public let addresses: [HospitalID: PostalAddress]
    public let ttlMinutes: Double
    /// Hand-overs (and patients still waiting) in this window count for the offload time.
    public let offloadWindowMinutes: Double
    /// An average offload above this many minutes is `Delayed`.
    public let offloadDelayedMinutes: Double

    public init(addresses: [HospitalID: PostalAddress], ttlMinutes: Double, offloadWindowMinutes: Double = 120, offloadDelayedMinutes: Double = 30) {
        self.addresses = addresses
        self.ttlMinutes = ttlMinutes
        self.offloadWindowMinutes = offloadWindowMinutes
        self.offloadDelayedMinutes = offloadDelayedMinutes
    }

    /// The EMS traffic of a site's emergency department from its resources: `Normal` when every resource is
    /// available, `Closed` when every one is closed, `Advisory` otherwise; nil (the status is left out) when none has a
    /// current report — unknown is never shown as normal. The reason names every resource that is not available.
    public func emsTraffic(_ h: HospitalState, at now: Timestamp) -> (status: String?, reason: String?) {
        let states = h.profile.keys.map { ($0, h.condition($0).status(at: now, ttlMinutes: ttlMinutes)) }
        guard !states.isEmpty else { return (nil, "Keine Ressourcen im Profil") }
        let kinds = states.map { $0.1.kind }
        let notAvailable = states.filter { $0.1.kind != .available }
            .map { "\($0.0.germanLabel): \(FHIRExport.germanStatus($0.1, ttlMinutes: ttlMinutes))" }
        let reason = notAvailable.isEmpty ? nil : notAvailable.joined(separator: "; ")
        if kinds.allSatisfy({ $0 == .unknown }) { return (nil, reason) }
        if kinds.allSatisfy({ $0 == .available }) { return ("Normal", nil) }
        if kinds.allSatisfy({ $0 == .closed }) { return ("Closed", reason) }
        return ("Advisory", reason)
    }

    /// The mean offload time (arrival → hand-over) of the site's patients handed over in the window, with those
    /// arrived and still waiting counted up to now; nil without any.
    public func offloadMinutes(_ h: HospitalID, in index: CapacityIndex, at now: Timestamp) -> Double? {
        var minutes: [Double] = []
        for a in index.announcements.values where a.hospitalId == h {
            guard let arrived = a.arrivedAt else { continue }
            if let handover = a.handoverAt {
                if now.minutes(since: handover) <= offloadWindowMinutes { minutes.append(handover.minutes(since: arrived)) }
            } else if a.status == .arrived, now.minutes(since: arrived) <= offloadWindowMinutes {
                minutes.append(now.minutes(since: arrived))
            }
        }
        return minutes.isEmpty ? nil : minutes.reduce(0, +) / Double(minutes.count)
    }

    /// The document for every site of `index`, in hospital-id order.
    public func document(_ index: CapacityIndex, at now: Timestamp) -> String {
        var w = XMLWriter()
        let namespaces = [
            ("xmlns:have", Self.namespace), ("xmlns:edxl-ct", "urn:oasis:names:tc:emergency:edxl:ct:1.0"),
            ("xmlns:gml", "http://www.opengis.net/gml/3.2"), ("xmlns:xpil", "urn:oasis:names:tc:emergency:edxl:ciq:1.0:xpil"),
            ("xmlns:xnl", "urn:oasis:names:tc:emergency:edxl:ciq:1.0:xnl"), ("xmlns:xal", "urn:oasis:names:tc:emergency:edxl:ciq:1.0:xal"),
            ("have:defaultLanguage", "de"),
        ]
        w.element("have:HAVE", namespaces) { w in
            w.element("have:organizationInformation") { w in Self.organisationName(&w, "Lotse – Kapazitätsnachweis Notfallversorgung") }
            w.leaf("have:reportComment", "Stand \(GermanTime.dateTime(now)) (\(now.iso8601)), Log-Position \(index.position); "
                + "Status älter als \(Int((ttlMinutes / 60).rounded())) h gilt als unbekannt.")
            for h in index.hospitals.sorted(by: { $0.id < $1.id }) { facility(&w, h, index, now) }
        }
        return w.text
    }

    private static func organisationName(_ w: inout XMLWriter, _ name: String) {
        w.element("xnl:OrganisationName") { $0.leaf("xnl:NameElement", name) }
    }

    private func facility(_ w: inout XMLWriter, _ h: HospitalState, _ index: CapacityIndex, _ now: Timestamp) {
        // xs:ID values are NCNames: they may not start with a digit, as the Standort-IDs do.
        let id = "site-" + h.id.rawValue
        w.element("have:facility") { w in
            w.element("have:facilityInformation") { w in
                w.leaf("have:facilityID", id)
                w.leaf("have:facilityName", h.name)
                w.element("have:facilityGeoLocation") { w in
                    w.element("edxl-ct:EDXLGeoLocation") { w in
                        w.element("gml:Point", [("gml:id", "pos-" + h.id.rawValue)]) { $0.leaf("gml:pos", "\(h.position.lat) \(h.position.lon)") }
                    }
                }
                w.element("have:facilityDetails") { w in
                    Self.organisationName(&w, h.name)
                    w.element("xpil:Addresses") { w in
                        w.element("xpil:Address") { w in
                            w.element("xal:Country") { $0.leaf("xal:NameElement", "DE") }
                            w.element("xal:AdministrativeArea") { $0.leaf("xal:NameElement", h.district.rawValue) }
                            if let a = addresses[h.id] {
                                w.element("xal:Locality") { $0.leaf("xal:NameElement", a.city) }
                                w.element("xal:Thoroughfare") { $0.leaf("xal:NameElement", a.street) }
                                w.element("xal:PostCode") { $0.leaf("xal:Identifier", a.postalCode) }
                            }
                        }
                    }
                }
                w.leaf("have:facilityKind", "Hospital")
                let traffic = emsTraffic(h, at: now)
                let offload = offloadMinutes(h.id, in: index, at: now)
                w.element("have:emergencyDepartmentStatus") { w in
                    w.element("have:emsTraffic") { w in
                        if let s = traffic.status { w.leaf("have:emsTrafficStatus", s) }
                        w.leaf("have:emsTrafficReason", traffic.reason ?? (traffic.status == nil ? "Status unbekannt – keine aktuelle Meldung" : "alle Ressourcen verfügbar"))
                    }
                    if let offload {
                        w.element("have:emsAmbulanceStatus") { w in
                            w.leaf("have:emsOffloadStatus", offload > offloadDelayedMinutes ? "Delayed" : "Normal")
                            w.leaf("have:emsOffloadMinutes", String(Int(offload.rounded())))
                        }
                    }
                }
            }
            var listed = false
            let keys = h.profile.keys
            if !keys.isEmpty {
                listed = true
                serviceList(&w, Self.resourceTaxonomy, "Lotse: Ressourcen der Notfallversorgung") { w in
                    for k in keys {
                        let s = h.condition(k).status(at: now, ttlMinutes: ttlMinutes)
                        w.element("have:serviceListItem") { w in
                            w.leaf("have:serviceTaxonomyKeyValue", k.rawValue)
                            w.leaf("have:serviceName", k.germanLabel)
                            w.element("have:serviceStatus") { w in
                                w.leaf("have:isAvailable", s.takesPatients ? "true" : "false")
                                w.leaf("have:comment", FHIRExport.germanStatus(s, ttlMinutes: ttlMinutes), [("have:language", "de")])
                            }
                        }
                    }
                }
            }
            if let beds = h.beds, !beds.counts.isEmpty {
                listed = true
                // A bed report older than the TTL is unknown, as a status is: not available, no capacity claimed.
                let stale = now.minutes(since: beds.reportedAt) > ttlMinutes
                serviceList(&w, Self.bedTaxonomy, "Lotse: Bettenkategorien (DIVI)") { w in
                    for (category, count) in beds.counts.sorted(by: { $0.key < $1.key }) {
                        w.element("have:serviceListItem") { w in
                            w.leaf("have:serviceTaxonomyKeyValue", category.rawValue)
                            w.leaf("have:serviceName", category.germanLabel)
                            w.element("have:serviceStatus") { w in
                                w.leaf("have:isAvailable", !stale && count.free > 0 ? "true" : "false")
                                w.leaf("have:comment", stale
                                    ? "unbekannt: letzte Meldung \(GermanTime.dateTime(beds.reportedAt)) ist älter als \(Int((ttlMinutes / 60).rounded())) h"
                                    : "gemeldet \(GermanTime.dateTime(beds.reportedAt))", [("have:language", "de")])
                            }
                            guard !stale else { return }
                            w.element("have:serviceBedCapacity") { w in
                                w.leaf("have:availableCount", String(count.free))
                                w.leaf("have:baselineCount", String(count.operable))
                                // HAVE 2.0's draft has no count for additional capacity (HAVE 1.0's
                                // AdditionalCapacityCount24Hr/72Hr): the surge goes into the capacity note.
                                if count.additional24h != nil || count.additional72h != nil {
                                    w.leaf("have:capacityNote", "Surge: zusätzlich \(count.additional24h.map(String.init) ?? "?") Betten in 24 h, "
                                        + "\(count.additional72h.map(String.init) ?? "?") in 72 h (AdditionalCapacityCount24Hr/72Hr)")
                                }
                                w.leaf("have:availability", count.free > 0 ? "Open" : "Full")
                            }
                        }
                    }
                }
            }
            if !listed {
                // A facility has at least one service list; a site without resources and beds says so instead of
                // inventing one.
                serviceList(&w, Self.resourceTaxonomy, "Lotse: Ressourcen der Notfallversorgung") { w in
                    w.element("have:serviceListItem") { w in
                        w.leaf("have:serviceTaxonomyKeyValue", "none")
                        w.leaf("have:serviceName", "Keine Ressourcen und keine Betten gemeldet")
                        w.element("have:serviceStatus") { $0.leaf("have:isAvailable", "false") }
                    }
                }
            }
        }
    }

    private func serviceList(_ w: inout XMLWriter, _ uri: String, _ name: String, _ items: (inout XMLWriter) -> Void) {
        w.element("have:serviceList") { w in
            w.leaf("have:taxonomyURI", uri)
            w.leaf("have:taxonomyName", name)
            items(&w)
        }
    }
}
