import LotseCapacity
import LotseDomain

/// The dispatch ranking of DESIGN §4: capable → suitable now → drive time → score. Pure and deterministic
/// for a given index (log position), table, parameters and evaluation time.
public struct DispatchRanking: Sendable {
    public let table: RequirementTable
    public let parameters: DispatchParameters
    public let travel: any TravelTimeModel
    /// The status TTL in hours as the reasons say it (`12`, `1.5`), made once.
    let ttlHoursText: String
    /// The status TTL as the largest age of a report in milliseconds (`PackedCondition.freshLimit`), made once.
    let freshLimit: Int64
    /// The fixed parts of the German reasons per resource (by `ResourceKey.index`), made once: after a year of
    /// events most excluded sites are explained by stale or missing reports, and building these texts piece by
    /// piece was ≈ a third of formatting such an answer (issue 16).
    let reasonTexts: ReasonTexts

    struct ReasonTexts: Sendable {
        /// `CT: keine Meldung – Status unbekannt`
        let noReport: [String]
        /// `CT: Daten älter als 12 h (letzte Meldung ` (then the time and `)`)
        let staleHead: [String]
        /// `CT abgemeldet bis ` (then the time, ` – Grund: ` and the reason)
        let closedHead: [String]

        init(ttlHoursText: String) {
            precondition(ResourceKey.allCases.enumerated().allSatisfy { $0.offset == $0.element.index })
            noReport = ResourceKey.allCases.map { "\($0.germanLabel): keine Meldung – Status unbekannt" }
            staleHead = ResourceKey.allCases.map { "\($0.germanLabel): Daten älter als \(ttlHoursText) h (letzte Meldung " }
            closedHead = ResourceKey.allCases.map { "\($0.germanLabel) abgemeldet bis " }
        }
    }

    public init(table: RequirementTable, parameters: DispatchParameters = DispatchParameters(), travel: (any TravelTimeModel)? = nil) throws(DispatchError) {
        self.table = table
        self.parameters = try parameters.validated()
        self.travel = travel ?? CalibratedTravelTime.shipped
        let hours = self.parameters.statusTTLMinutes / 60
        ttlHoursText = hours == hours.rounded() ? String(Int(hours)) : String(hours)
        freshLimit = PackedCondition.freshLimit(ttlMinutes: self.parameters.statusTTLMinutes)
        reasonTexts = ReasonTexts(ttlHoursText: ttlHoursText)
    }

    /// The requirement for a query, refusing codes that must not be ranked.
    public func requirement(for q: DispatchQuery) throws(DispatchError) -> Requirement {
        try table.allocationRequirement(rmi: q.rmi, urgency: q.urgency)
    }

    /// Minutes by which a drive's bound must exceed a list's last place before the drive is skipped (the bound's own
    /// rounding is ≈ 1e-12 minutes).
    static let boundMargin = 1e-6

    /// One hospital's light-weight result, computed for every capable site before anything is formatted.
    struct Scored: Sendable {
        let slot: Int
        let drive: Double
        let km: Double
        let score: Double
        let limitedCount: Int
        let loadPenalty: Double
    }

    /// What scoring leaves for the explanation: the best suitable and the nearest excluded hospitals by slot, and the
    /// index's arrays their explanation reads. Holding those arrays costs one retain each and keeps them as they
    /// were (copy on write), so `format` needs no lock; reading their fields in place keeps formatting as cheap as
    /// inside the scoring pass.
    public struct Shortlist: Sendable {
        let query: DispatchQuery
        let requirement: Requirement
        let required: ResourceSet
        let preferred: ResourceSet
        let logPosition: Int64
        let hospitals: [HospitalState]
        let hot: [CapacityIndex.Hot]
        let freeBeds: [[BedCategory: Int]]
        let enRoute: [Int]
        let suitable: [Scored]
        let suitableTotal: Int
        let excluded: [Scored]
        let excludedTotal: Int
    }

    /// The answer to a dispatch question: `score` then `format`.
    public func rank(_ q: DispatchQuery, in index: CapacityIndex, at now: Timestamp) throws(DispatchError) -> DispatchAnswer {
        format(try score(q, in: index, at: now), at: now)
    }

    /// The hot part, to run where the index is consistent (inside its lock): one pass over the packed arrays, top-k by
    /// score and by drive time.
    public func score(_ q: DispatchQuery, in index: CapacityIndex, at now: Timestamp) throws(DispatchError) -> Shortlist {
        let req = try requirement(for: q)
        // The loop specialised for the models Lotse ships (the drive is inlined, no witness-table call per site); any
        // other model through its protocol.
        switch travel {
        case let model as CalibratedTravelTime: return score(q, req, in: index, at: now, travel: model)
        case let model as GreatCircleTravelTime: return score(q, req, in: index, at: now, travel: model)
        default: return score(q, req, in: index, at: now, travel: travel)
        }
    }

    private func score<Model: TravelTimeModel>(
        _ q: DispatchQuery, _ req: Requirement, in index: CapacityIndex, at now: Timestamp, travel: Model
    ) -> Shortlist {
        let (required, preferred) = req.resources(forAge: q.age)
        let origin = UnitVector(q.position)
        let freshLimit = freshLimit
        let nowMs = now.millis
        let stride = index.packedStride
        var districtFilter: Int32? = nil
        if let d = q.district {
            // A district without hospitals matches none.
            districtFilter = index.districtCode(d) ?? -1
        }

        // Hot loop over flat arrays: no strings, no reference counting per hospital.
        var suitable = TopK<Scored>(capacity: q.limit) { a, b in
            if a.score != b.score { return a.score < b.score }
            if a.drive != b.drive { return a.drive < b.drive }
            return index.hospitals[a.slot].id < index.hospitals[b.slot].id
        }
        var unsuitable = TopK<Scored>(capacity: q.limit) { a, b in
            if a.drive != b.drive { return a.drive < b.drive }
            return index.hospitals[a.slot].id < index.hospitals[b.slot].id
        }
        let requiredBits = required.bits
        let needsID = travel.needsHospitalID
        let from = travel.origin(origin)
        // Load penalty: patients en route beyond the free beds of the category this patient needs.
        let pool = BedCategory.needed(for: required).pooled.map(\.index)
        let perPatient = parameters.loadPenaltyMinutesPerPatient
        let categories = CapacityIndex.categoryCount
        index.hot.withUnsafeBufferPointer { hot in
            index.packed.withUnsafeBufferPointer { packed in
                for slot in 0..<hot.count {
                    let h = hot[slot]
                    guard h.profile.bits & requiredBits == requiredBits, h.notfallstufe >= req.minNotfallstufe else { continue }
                    if let d = districtFilter, h.district != d { continue }
                    var limited = 0
                    var takes = true
                    var bits = requiredBits
                    while bits != 0 {
                        let e = packed[bits.trailingZeroBitCount * stride + slot].evaluate(now: nowMs, freshLimit: freshLimit)
                        if !e.takes { takes = false }
                        if e.limited { limited += 1 }
                        bits &= bits - 1
                    }
                    // A site whose drive cannot undercut its list's last place loses there whatever the drive (a score is
                    // at least the drive): counted, not driven — the bound has no arcsine. The margin is far above the
                    // rounding of the bound's arithmetic, so only a certain loser is skipped.
                    if let last = takes ? suitable.threshold?.score : unsuitable.threshold?.drive,
                       travel.minutesAtLeast(from: from, at: h.vector, urgency: q.urgency) > last + Self.boundMargin {
                        if takes { suitable.countLoser() } else { unsuitable.countLoser() }
                        continue
                    }
                    let (drive, km) = travel.drive(
                        from: from, to: needsID ? index.hospitals[slot].id : nil, at: h.vector, urgency: q.urgency)
                    if takes {
                        var load = 0.0
                        if perPatient > 0 {
                            var coming = 0, free = 0
                            for c in pool {
                                coming += index.enRoute[slot * categories + c]
                                free += index.freeFlat[slot * categories + c]
                            }
                            load = Double(max(0, coming - free)) * perPatient
                        }
                        let score = drive + Double(limited) * parameters.limitedPenaltyMinutes + load
                        suitable.insert(Scored(slot: slot, drive: drive, km: km, score: score, limitedCount: limited, loadPenalty: load))
                    } else {
                        unsuitable.insert(Scored(slot: slot, drive: drive, km: km, score: drive, limitedCount: limited, loadPenalty: 0))
                    }
                }
            }
        }

        return Shortlist(
            query: q, requirement: req, required: required, preferred: preferred, logPosition: index.position, hospitals: index.hospitals,
            hot: index.hot, freeBeds: index.freeBeds, enRoute: index.enRoute, suitable: suitable.items, suitableTotal: suitable.total,
            excluded: unsuitable.items, excludedTotal: unsuitable.total)
    }

    /// The explained answer (German reasons, resource states, data age) for a shortlist; needs no index.
    public func format(_ list: Shortlist, at now: Timestamp) -> DispatchAnswer {
        let (q, req) = (list.query, list.requirement)
        let requiredKeys = list.required.keys
        let ttl = parameters.statusTTLMinutes
        // Fields are read in place (`hs[slot].name`), never a whole `HospitalState`: a copy would retain and release
        // every reference it holds.
        let hs = list.hospitals
        var candidates: [DispatchAnswer.Candidate] = []
        candidates.reserveCapacity(list.suitable.count)
        for (i, s) in list.suitable.enumerated() {
            let states = requiredKeys.map { resourceState(hs[s.slot].conditions[$0.index], $0, now) }
            let bedsAt = hs[s.slot].beds?.reportedAt
            var oldest = bedsAt
            for st in states {
                if let r = st.reportedAt, oldest.map({ r < $0 }) ?? true { oldest = r }
            }
            candidates.append(DispatchAnswer.Candidate(
                rank: i + 1, hospitalId: hs[s.slot].id, name: hs[s.slot].name, district: hs[s.slot].district.rawValue,
                notfallstufe: hs[s.slot].notfallstufe,
                driveMinutes: s.drive.rounded(toPlaces: 1), distanceKm: s.km.rounded(toPlaces: 1), score: s.score.rounded(toPlaces: 1),
                scoreParts: .init(
                    driveMinutes: s.drive.rounded(toPlaces: 1),
                    limitedPenaltyMinutes: Double(s.limitedCount) * parameters.limitedPenaltyMinutes, loadPenaltyMinutes: s.loadPenalty),
                resources: states, preferredPresent: ResourceSet(bits: list.preferred.bits & list.hot[s.slot].profile.bits).keys,
                freeBeds: list.freeBeds[s.slot], bedsReportedAt: bedsAt, patientsEnRoute: CapacityIndex.patientsEnRoute(list.enRoute, slot: s.slot),
                dataAgeMinutes: oldest.map { now.minutes(since: $0).rounded(toPlaces: 0) }))
        }
        let excluded = list.excluded.map { s in
            DispatchAnswer.Excluded(
                hospitalId: hs[s.slot].id, name: hs[s.slot].name, driveMinutes: s.drive.rounded(toPlaces: 1),
                resources: requiredKeys.map { resourceState(hs[s.slot].conditions[$0.index], $0, now) },
                reasons: requiredKeys.compactMap { reason(hs[s.slot].conditions[$0.index].status(at: now, ttlMinutes: ttl), $0, now) })
        }
        return DispatchAnswer(
            logPosition: list.logPosition, rulesVersion: table.version, evaluatedAt: now,
            query: .init(
                pzc: req.rmi.code + (q.age < 10 ? "0" : "") + String(q.age) + String(q.urgency.rawValue), rmi: req.rmi.code,
                indication: req.nameDE, urgency: q.urgency.rawValue, age: q.age, lat: q.position.lat, lon: q.position.lon,
                district: q.district?.rawValue, limit: q.limit, required: requiredKeys, preferred: list.preferred.keys,
                minNotfallstufe: req.minNotfallstufe, pediatric: q.age < 18 && !req.pediatricAlternative.isEmpty),
            parameters: parameters, travelTimeModel: travel.name, candidates: candidates, suitableTotal: list.suitableTotal,
            excluded: excluded, excludedTotal: list.excludedTotal)
    }

    func resourceState(_ c: ResourceCondition, _ k: ResourceKey, _ now: Timestamp) -> DispatchAnswer.ResourceState {
        DispatchAnswer.ResourceState(c, k, at: now, ttlMinutes: parameters.statusTTLMinutes)
    }

    /// The German reason a resource does not take patients, or nil when it does.
    public func reason(_ s: ResourceStatus, _ k: ResourceKey, _ now: Timestamp) -> String? {
        switch s {
        case .available, .limited:
            return nil
        case let .closed(reason, until, _):
            return Self.joined(reasonTexts.closedHead[k.index], GermanTime.shortTime(until, relativeTo: now), " – Grund: ", reason)
        case .unknown(nil):
            return reasonTexts.noReport[k.index]
        case let .unknown(last?):
            // The head, the time written in place, `)`: one allocation.
            let head = reasonTexts.staleHead[k.index]
            let n = head.utf8.count
            var written = false
            let text = String(unsafeUninitializedCapacity: n + 17) { b in
                _ = b.initialize(fromContentsOf: head.utf8)
                written = GermanTime.writeDateTime(last, UnsafeMutableBufferPointer(rebasing: b[n...]))
                b[n + 16] = UInt8(ascii: ")")
                return written ? n + 17 : 0
            }
            return written ? text : Self.joined(head, GermanTime.dateTime(last), ")", "")
        }
    }

    /// Four texts as one, in one allocation.
    static func joined(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        let (na, nb, nc, nd) = (a.utf8.count, b.utf8.count, c.utf8.count, d.utf8.count)
        return String(unsafeUninitializedCapacity: na + nb + nc + nd) { buffer in
            _ = buffer.initialize(fromContentsOf: a.utf8)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[na...]).initialize(fromContentsOf: b.utf8)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[(na + nb)...]).initialize(fromContentsOf: c.utf8)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[(na + nb + nc)...]).initialize(fromContentsOf: d.utf8)
            return na + nb + nc + nd
        }
    }
}
