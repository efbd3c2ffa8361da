import LotseDomain

/// The dispatch ranking of DESIGN §4: capable → suitable now → drive time → score. Pure and deterministic
/// for a given index (log position), table, parameters and evaluation time.
public struct DispatchRanking: Sendable {
    public let table: RequirementTable
    public let parameters: DispatchParameters
    public let travel: any TravelTimeModel

    public init(table: RequirementTable, parameters: DispatchParameters = DispatchParameters(), travel: (any TravelTimeModel)? = nil) throws(DispatchError) {
        self.table = table
        self.parameters = try parameters.validated()
        self.travel = travel ?? GreatCircleTravelTime(parameters: parameters)
    }

    /// The requirement for a query, refusing codes that must not be ranked.
    public func requirement(for q: DispatchQuery) throws(DispatchError) -> Requirement {
        guard let req = table[q.rmi] else { throw .unknownRMI(q.rmi.code) }
        guard req.isAllocationCode else { throw .notAnAllocationCode(rmi: req.rmi.code, name: req.nameDE) }
        guard !req.required.isEmpty else { throw .noRequirements(rmi: req.rmi.code, name: req.nameDE) }
        guard req.allowedUrgencies.contains(q.urgency) else {
            throw .urgencyNotAllowed(rmi: req.rmi.code, urgency: q.urgency.rawValue, allowed: req.allowedUrgencies.map(\.rawValue).sorted())
        }
        return req
    }

    /// One hospital's light-weight result, computed for every capable site before anything is formatted.
    struct Scored {
        let slot: Int
        let drive: Double
        let km: Double
        let score: Double
        let limitedCount: Int
    }

    public func rank(_ q: DispatchQuery, in index: CapacityIndex, at now: Timestamp) throws(DispatchError) -> DispatchAnswer {
        let req = try requirement(for: q)
        let (required, preferred) = req.resources(forAge: q.age)
        let requiredKeys = required.keys
        let origin = UnitVector(q.position)
        let ttl = parameters.statusTTLMinutes
        let hospitals = index.hospitals
        let vectors = index.vectors

        var suitable: [Scored] = []
        var unsuitable: [Scored] = []
        for slot in hospitals.indices {
            let h = hospitals[slot]
            guard h.profile.isSuperset(of: required), h.notfallstufe >= req.minNotfallstufe else { continue }
            if let d = q.district, h.district != d { continue }
            var limited = 0
            var takes = true
            for k in requiredKeys {
                switch h.conditions[k.index].status(at: now, ttlMinutes: ttl) {
                case .available: break
                case .limited: limited += 1
                case .closed, .unknown: takes = false
                }
            }
            let (drive, km) = travel.drive(from: origin, to: h.id, at: vectors[slot], urgency: q.urgency)
            if takes {
                let score = drive + Double(limited) * parameters.limitedPenaltyMinutes
                suitable.append(Scored(slot: slot, drive: drive, km: km, score: score, limitedCount: limited))
            } else {
                unsuitable.append(Scored(slot: slot, drive: drive, km: km, score: drive, limitedCount: limited))
            }
        }
        suitable.sort { a, b in
            if a.score != b.score { return a.score < b.score }
            if a.drive != b.drive { return a.drive < b.drive }
            return hospitals[a.slot].id < hospitals[b.slot].id
        }
        unsuitable.sort { a, b in
            if a.drive != b.drive { return a.drive < b.drive }
            return hospitals[a.slot].id < hospitals[b.slot].id
        }

        let candidates = suitable.prefix(q.limit).enumerated().map { (i, s) in
            let h = hospitals[s.slot]
            let states = requiredKeys.map { resourceState(h, $0, now) }
            let oldest = (states.compactMap(\.reportedAt) + [h.beds?.reportedAt].compactMap { $0 }).min()
            return DispatchAnswer.Candidate(
                rank: i + 1, hospitalId: h.id, name: h.name, district: h.district.rawValue, notfallstufe: h.notfallstufe,
                driveMinutes: s.drive.rounded(toPlaces: 1), distanceKm: s.km.rounded(toPlaces: 1), score: s.score.rounded(toPlaces: 1),
                scoreParts: .init(
                    driveMinutes: s.drive.rounded(toPlaces: 1),
                    limitedPenaltyMinutes: Double(s.limitedCount) * parameters.limitedPenaltyMinutes, loadPenaltyMinutes: 0),
                resources: states, preferredPresent: preferred.keys.filter(h.profile.contains),
                freeBeds: h.beds?.counts.mapValues(\.free) ?? [:], bedsReportedAt: h.beds?.reportedAt, patientsEnRoute: 0,
                dataAgeMinutes: oldest.map { now.minutes(since: $0).rounded(toPlaces: 0) })
        }
        let excluded = unsuitable.prefix(q.limit).map { s in
            let h = hospitals[s.slot]
            let states = requiredKeys.map { resourceState(h, $0, now) }
            return DispatchAnswer.Excluded(
                hospitalId: h.id, name: h.name, driveMinutes: s.drive.rounded(toPlaces: 1), resources: states,
                reasons: requiredKeys.compactMap { reason(h.conditions[$0.index].status(at: now, ttlMinutes: ttl), $0, now) })
        }
        return DispatchAnswer(
            logPosition: index.position, rulesVersion: table.version, evaluatedAt: now,
            query: .init(
                pzc: req.rmi.code + (q.age < 10 ? "0" : "") + String(q.age) + String(q.urgency.rawValue), rmi: req.rmi.code,
                indication: req.nameDE, urgency: q.urgency.rawValue, age: q.age, lat: q.position.lat, lon: q.position.lon,
                district: q.district?.rawValue, limit: q.limit, required: requiredKeys, preferred: preferred.keys,
                minNotfallstufe: req.minNotfallstufe, pediatric: q.age < 18 && !req.pediatricAlternative.isEmpty),
            parameters: parameters, travelTimeModel: travel.name, candidates: Array(candidates), suitableTotal: suitable.count,
            excluded: Array(excluded), excludedTotal: unsuitable.count)
    }

    func resourceState(_ h: HospitalState, _ k: ResourceKey, _ now: Timestamp) -> DispatchAnswer.ResourceState {
        let s = h.conditions[k.index].status(at: now, ttlMinutes: parameters.statusTTLMinutes)
        var until: Timestamp? = nil, reason: String? = nil
        if case let .closed(r, u, _) = s {
            until = u
            reason = r
        }
        return .init(resource: k, label: k.germanLabel, status: s.name, reportedAt: s.reportedAt, until: until, reason: reason)
    }

    /// The German reason a resource does not take patients, or nil when it does.
    public func reason(_ s: ResourceStatus, _ k: ResourceKey, _ now: Timestamp) -> String? {
        switch s {
        case .available, .limited:
            return nil
        case let .closed(reason, until, _):
            return "\(k.germanLabel) abgemeldet bis \(GermanTime.shortTime(until, relativeTo: now)) – Grund: \(reason)"
        case .unknown(nil):
            return "\(k.germanLabel): keine Meldung – Status unbekannt"
        case let .unknown(last?):
            let hours = parameters.statusTTLMinutes / 60
            let h = hours == hours.rounded() ? String(Int(hours)) : String(hours)
            return "\(k.germanLabel): Daten älter als \(h) h (letzte Meldung \(GermanTime.dateTime(last)))"
        }
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        var f = 1.0
        for _ in 0..<p { f *= 10 }
        return (self * f).rounded() / f
    }
}
