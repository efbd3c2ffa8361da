import LotseApplication
import LotseDispatch
import LotseDomain

/// A direct JSON writer for the dispatch answer, the hottest response of the API. `JSONEncoder` spends most of a
/// dispatch request in generic Codable machinery; this writes the same document (keys sorted, nil fields left out,
/// as `JSONEncoder` with `.sortedKeys` does) in one pass. A test compares both on random answers.
extension DispatchAnswer {
    /// The answer as the API sends it (public for the benchmark of the route's own work).
    public func jsonBytes() -> [UInt8] {
        // ≈ 600 bytes per candidate or excluded site: one allocation for the whole answer.
        var w = JSONWriter(capacity: 2048 + 1024 * (candidates.count + excluded.count))
        w.object {
            $0.field("candidates") { w in w.array(candidates) { w, c in c.write(&w) } }
            $0.field("evaluatedAt") { $0.timestamp(evaluatedAt) }
            $0.field("excluded") { w in w.array(excluded) { w, e in e.write(&w) } }
            $0.field("excludedTotal") { $0.int(excludedTotal) }
            $0.field("logPosition") { $0.int(Int(logPosition)) }
            $0.field("parameters") { w in
                w.object {
                    $0.field("detourFactor") { $0.double(parameters.detourFactor) }
                    $0.field("limitedPenaltyMinutes") { $0.double(parameters.limitedPenaltyMinutes) }
                    $0.field("loadPenaltyMinutesPerPatient") { $0.double(parameters.loadPenaltyMinutesPerPatient) }
                    $0.field("speedKmhUrgency1") { $0.double(parameters.speedKmhUrgency1) }
                    $0.field("speedKmhUrgency2") { $0.double(parameters.speedKmhUrgency2) }
                    $0.field("speedKmhUrgency3") { $0.double(parameters.speedKmhUrgency3) }
                    $0.field("statusTTLMinutes") { $0.double(parameters.statusTTLMinutes) }
                }
            }
            $0.field("query") { w in
                w.object {
                    $0.field("age") { $0.int(query.age) }
                    if let d = query.district { $0.field("district") { $0.string(d) } }
                    $0.field("indication") { $0.string(query.indication) }
                    $0.field("lat") { $0.double(query.lat) }
                    $0.field("limit") { $0.int(query.limit) }
                    $0.field("lon") { $0.double(query.lon) }
                    $0.field("minNotfallstufe") { $0.int(query.minNotfallstufe) }
                    $0.field("pediatric") { $0.bool(query.pediatric) }
                    $0.field("preferred") { w in w.array(query.preferred) { w, k in w.string(k.rawValue) } }
                    $0.field("pzc") { $0.string(query.pzc) }
                    $0.field("required") { w in w.array(query.required) { w, k in w.string(k.rawValue) } }
                    $0.field("rmi") { $0.string(query.rmi) }
                    $0.field("urgency") { $0.int(query.urgency) }
                }
            }
            $0.field("rulesVersion") { $0.string(rulesVersion) }
            $0.field("suitableTotal") { $0.int(suitableTotal) }
            $0.field("travelTimeModel") { $0.string(travelTimeModel) }
        }
        return w.bytes
    }
}

extension DispatchAnswer {
    /// The bed categories in the order of their names (the JSON keys' order), once.
    static let bedCategoriesByName = BedCategory.all.sorted { $0.rawValue < $1.rawValue }
}

extension DispatchAnswer.Candidate {
    func write(_ w: inout JSONWriter) {
        w.object {
            if let t = bedsReportedAt { $0.field("bedsReportedAt") { $0.timestamp(t) } }
            if let a = dataAgeMinutes { $0.field("dataAgeMinutes") { $0.double(a) } }
            $0.field("distanceKm") { $0.double(distanceKm) }
            $0.field("district") { $0.string(district) }
            $0.field("driveMinutes") { $0.double(driveMinutes) }
            $0.field("freeBeds") { w in
                w.object {
                    for cat in DispatchAnswer.bedCategoriesByName { if let n = freeBeds[cat] { $0.field(cat.rawValue) { $0.int(n) } } }
                }
            }
            $0.field("hospitalId") { $0.string(hospitalId.rawValue) }
            $0.field("name") { $0.string(name) }
            $0.field("notfallstufe") { $0.int(notfallstufe) }
            $0.field("patientsEnRoute") { $0.int(patientsEnRoute) }
            $0.field("preferredPresent") { w in w.array(preferredPresent) { w, k in w.string(k.rawValue) } }
            $0.field("rank") { $0.int(rank) }
            $0.field("resources") { w in w.array(resources) { w, r in r.write(&w) } }
            $0.field("score") { $0.double(score) }
            $0.field("scoreParts") { w in
                w.object {
                    $0.field("driveMinutes") { $0.double(scoreParts.driveMinutes) }
                    $0.field("limitedPenaltyMinutes") { $0.double(scoreParts.limitedPenaltyMinutes) }
                    $0.field("loadPenaltyMinutes") { $0.double(scoreParts.loadPenaltyMinutes) }
                }
            }
        }
    }
}

extension DispatchAnswer.Excluded {
    func write(_ w: inout JSONWriter) {
        w.object {
            $0.field("driveMinutes") { $0.double(driveMinutes) }
            $0.field("hospitalId") { $0.string(hospitalId.rawValue) }
            $0.field("name") { $0.string(name) }
            $0.field("reasons") { w in w.array(reasons) { w, r in w.string(r) } }
            $0.field("resources") { w in w.array(resources) { w, r in r.write(&w) } }
        }
    }
}

extension DispatchAnswer.ResourceState {
    func write(_ w: inout JSONWriter) {
        w.object {
            $0.field("label") { $0.string(label) }
            if let r = reason { $0.field("reason") { $0.string(r) } }
            if let t = reportedAt { $0.field("reportedAt") { $0.timestamp(t) } }
            $0.field("resource") { $0.string(resource.rawValue) }
            $0.field("status") { $0.string(status.rawValue) }
            if let t = until { $0.field("until") { $0.timestamp(t) } }
        }
    }
}
