import Foundation
import LotseCapacity
import LotseDemand
import LotseDispatch
import LotseDomain
import LotseTelenotarzt

/// A mission's way: call → alarm of the nearest free RTW → on scene (Telenotarzt if equipped) → the Leitstelle
/// asks Lotse for a hospital under the scenario's policy and announces the patient → the hospital acknowledges →
/// arrival and handover (a bed is taken if admitted) → the RTW drives back to its station.
extension Simulation {
    func call(_ m: Mission) async throws {
        outcomes.missions += 1
        today.missions += 1
        let c = GermanTime.components(m.callAt)
        outcomes.byHour[c.hour] += 1
        let days = CivilDate.toDays(Int64(c.year), Int64(c.month), Int64(c.day))
        outcomes.byWeekday[Int((CivilDate.weekday(days: days) + 6) % 7)] += 1
        outcomes.byMonth[c.month - 1] += 1
        outcomes.byUrgency[m.pzc.urgency.rawValue - 1] += 1
        outcomes.byCode[m.pzc.rmi.code, default: 0] += 1
        outcomes.byDistrict[m.district.rawValue, default: 0] += 1
        if m.pzc.age < 18 { outcomes.children += 1 }
        runs[m.index] = MissionRun(mission: m, draws: draws(for: m))
        if !alarm(m.index) {
            outcomes.waitedForAmbulance += 1
            waiting.append(m.index)
        }
    }

    func draws(for m: Mission) -> MissionDraws {
        var rng = SimRandom(seed: scenario.seed, stream: 10_000_000 + UInt64(m.index))
        let t = scenario.timing
        let kinds = scenario.tna.kinds.sorted { $0.key.rawValue < $1.key.rawValue }
        let kind = kinds.isEmpty ? ConsultationKind.dispatchedWithAmbulance : kinds[WeightedChoice(weights: kinds.map(\.value)).pick(&rng)].key
        let category = BedCategory.needed(for: requiredResources(m.pzc))
        return MissionDraws(
            onSceneMinutes: rng.lognormal(mean: t.onSceneMeanMinutes, sd: t.onSceneSDMinutes),
            acknowledgeMinutes: rng.lognormal(mean: t.acknowledgeMeanMinutes, sd: t.acknowledgeSDMinutes),
            acknowledged: !rng.chance(t.unacknowledgedShare),
            admitted: rng.chance(scenario.hospitals.admissionShare[m.pzc.urgency.rawValue - 1]),
            lengthOfStayDays: rng.lognormal(mean: losDays[category.index], sd: losDays[category.index] * 0.8),
            wantsTNA: rng.chance(tnaRequestShare),
            tnaKind: kind,
            tnaMinutes: rng.lognormal(mean: scenario.tna.durationMeanMinutes, sd: scenario.tna.durationSDMinutes),
            tnaEscalated: rng.chance(scenario.tna.escalationShare))
    }

    func requiredResources(_ pzc: PZC) -> ResourceSet {
        (try? table.allocationRequirement(rmi: pzc.rmi, urgency: pzc.urgency))?.resources(forAge: pzc.age).required ?? ResourceSet()
    }

    /// Alarms the nearest station with a free RTW; false when none is free. The RTW drives to an emergency with
    /// Sondersignal whatever the patient's urgency for the hospital turns out to be (the simulated missions are all
    /// Notfalleinsätze; the Hilfsfrist is measured for them) — the travel model's urgency-1 time.
    func alarm(_ index: Int) -> Bool {
        guard var run = runs[index] else { return false }
        let m = run.mission
        let origin = UnitVector(m.position)
        var best: (Int, Double)? = nil
        for (i, s) in geography.stations.enumerated() where stationFree[i] > 0 {
            let d = drive(from: origin, to: s.position, .red)
            if best == nil || d < best!.1 { best = (i, d) }
        }
        guard let (station, minutes) = best else { return false }
        stationFree[station] -= 1
        let alarmAt = max(now, m.callAt.adding(minutes: scenario.timing.callProcessingMinutes))
        run.station = station
        run.alarmAt = alarmAt
        runs[index] = run
        let atScene = alarmAt.adding(minutes: minutes)
        outcomes.responseMinutes.add(atScene.minutes(since: m.callAt))
        schedule(atScene, .atScene(index))
        return true
    }

    func drive(from origin: UnitVector, to p: GeoPoint, _ u: Urgency) -> Double {
        ranking.travel.drive(from: origin, to: nil, at: UnitVector(p), urgency: u).minutes
    }

    func ambulanceFree(_ station: Int) {
        stationFree[station] += 1
        // The longest-waiting red mission first, then the longest-waiting.
        guard !waiting.isEmpty else { return }
        let pick = waiting.firstIndex { runs[$0]?.mission.pzc.urgency == .red } ?? 0
        let m = waiting.remove(at: pick)
        _ = alarm(m)
    }

    func atScene(_ index: Int) async throws {
        guard var run = runs[index], let station = run.station else { return }
        run.atSceneAt = now
        if stationEquipped[station], run.draws.wantsTNA {
            let id = ConsultationID("C-\(index)")
            run.consultation = id
            runs[index] = run
            consultations[id] = index
            today.tnaRequests += 1
            outcomes.tna.requests += 1
            outcomes.tna.byKind[run.draws.tnaKind.rawValue, default: 0] += 1
            let m = run.mission
            let priority = run.draws.tnaKind == .secondaryTransport ? 4 : m.pzc.urgency.rawValue
            try await tnaHandle(.request(ConsultationRequest(
                id: id, kind: run.draws.tnaKind, priority: priority, district: m.district, position: m.position,
                pzc: m.pzc.description, unit: unitName(station))))
        } else {
            runs[index] = run
        }
        schedule(now.adding(minutes: run.draws.onSceneMinutes), .transportDecision(index))
    }

    func unitName(_ station: Int) -> String { "RTW \(geography.stations[station].town.split(separator: ",").first ?? "")" }

    /// The Leitstelle asks Lotse and announces the patient (or the RTW drives back when the patient stays).
    func transportDecision(_ index: Int) async throws {
        guard var run = runs[index], let station = run.station else { return }
        let m = run.mission
        guard m.transported else {
            let back = drive(from: UnitVector(m.position), to: geography.stations[station].position, .green)
            schedule(now.adding(minutes: back), .ambulanceFree(station: station))
            try await cancelUnansweredConsultation(index)
            finish(index)
            return
        }
        outcomes.transported += 1
        let (slot, minutes, override, noCandidate) = try chooseHospital(m)
        if noCandidate { outcomes.noCandidate += 1 }
        run.hospitalSlot = slot
        let hospital = hospitals[slot].id
        outcomes.driveMinutes.add(minutes)
        if override != nil { outcomes.overrides += 1 }
        let o = try await command("announce") {
            try await announcements.announce(
                .init(hospitalId: hospital, pzc: m.pzc, flags: m.pzc.urgency == .red && m.tracer == "Polytrauma" ? [.traumaBay] : [],
                      eta: now.adding(minutes: minutes), unit: unitName(station), district: m.district, overrideReason: override),
                index: self.index, by: Self.crew, at: now, ttlMinutes: ranking.parameters.statusTTLMinutes, idempotencyKey: "sim:\(m.index)")
        }
        run.announcement = o.announcementId
        runs[index] = run
        // What the log records as "Zuweisung trotz Abmeldung": a required resource closed or missing at the hospital
        // (a hospital excluded only for an unknown status or a lack of beds takes the patient without one).
        if o.events.contains(where: { if case let .announced(e) = $0 { e.overrideReason != nil } else { false } }) { outcomes.overridesRecorded += 1 }
        if run.draws.acknowledged {
            schedule(now.adding(minutes: run.draws.acknowledgeMinutes), .acknowledge(index))
        } else {
            outcomes.unacknowledged += 1
        }
        schedule(now.adding(minutes: minutes), .arrival(index))
    }

    /// The hospital under the scenario's policy; an override reason when it is not suitable now.
    func chooseHospital(_ m: Mission) throws -> (slot: Int, minutes: Double, override: String?, noCandidate: Bool) {
        let q = try DispatchQuery(position: m.position, pzc: m.pzc, limit: 1)
        let t0 = latency.clock.now
        let answer = try (scenario.ranking == .lotse ? ranking : nearest).rank(q, in: index, at: now)
        latency.record("dispatch", since: t0)
        let best = answer.candidates.first
        let closest = answer.excluded.first
        switch scenario.ranking {
        case .lotse:
            if let b = best { return (slotOfHospital[b.hospitalId]!, b.driveMinutes, nil, false) }
        case .nearest:
            if let b = best, closest.map({ b.driveMinutes <= $0.driveMinutes }) ?? true {
                return (slotOfHospital[b.hospitalId]!, b.driveMinutes, nil, false)
            }
        }
        if let c = closest {
            return (slotOfHospital[c.hospitalId]!, c.driveMinutes, "Simulation: keine geeignete Klinik frei – nächstgelegene trotz Abmeldung", scenario.ranking == .lotse)
        }
        // No hospital in MV has the resources at all: the nearest one with an emergency department.
        let origin = UnitVector(m.position)
        let slot = hospitals.indices.filter { hospitals[$0].profile.contains(.emergencyDepartment) }
            .min { drive(from: origin, to: geography.hospitals[$0].registration.position, m.pzc.urgency) < drive(from: origin, to: geography.hospitals[$1].registration.position, m.pzc.urgency) }!
        return (slot, drive(from: origin, to: geography.hospitals[slot].registration.position, m.pzc.urgency), "Simulation: keine Klinik mit den nötigen Ressourcen", true)
    }

    func acknowledge(_ index: Int) async throws {
        guard let run = runs[index], !run.arrived, let id = run.announcement, let slot = run.hospitalSlot else { return }
        _ = try await command("acknowledge") {
            try await announcements.execute(.acknowledge, id: id, by: hospitalPrincipal(slot), at: now, idempotencyKey: nil)
        }
    }

    func arrival(_ index: Int) async throws {
        guard var run = runs[index], let id = run.announcement, let slot = run.hospitalSlot, let station = run.station else { return }
        run.arrived = true
        runs[index] = run
        let m = run.mission
        // What the patient meets: the truth of the hospital, and its closures as Lotse knows them.
        let required = requiredResources(m.pzc)
        let category = BedCategory.needed(for: required)
        let state = self.index[hospitals[slot].id]
        let closed = required.keys.contains { k in
            if case .closed = state?.condition(k).settled(at: now) { return true }
            return false
        }
        let full = hospitals[slot].pooledOperable(category) > 0 ? hospitals[slot].pooledFree(category) == 0 : true
        if closed { outcomes.arrivedWhereClosed += 1 }
        if full { outcomes.arrivedOverCapacity += 1 }
        let minutes = now.minutes(since: m.callAt)
        outcomes.callToArrivalMinutes.add(minutes)
        if let tracer = m.tracer {
            var t = outcomes.tracers[tracer] ?? TracerOutcome()
            t.patients += 1
            t.callToArrival.add(minutes)
            let suitable = !closed && !full
            if suitable { t.suitable += 1 }
            if minutes <= 60 { t.within60 += 1 }
            if suitable && minutes <= 60 { t.suitableWithin60 += 1 }
            outcomes.tracers[tracer] = t
        }
        _ = try await command("arrival") {
            try await announcements.execute(.arrive(handoverAt: now), id: id, by: hospitalPrincipal(slot), at: now, idempotencyKey: nil)
        }
        if run.draws.admitted {
            outcomes.admitted += 1
            let used = hospitals[slot].admit(category)
            schedule(now.adding(minutes: run.draws.lengthOfStayDays * 1440), .discharge(slot: slot, category: used))
            try await checkBeds(slot, reopen: false)
        }
        let back = drive(from: UnitVector(geography.hospitals[slot].registration.position), to: geography.stations[station].position, .green)
        schedule(now.adding(minutes: scenario.timing.handoverMinutes + back), .ambulanceFree(station: station))
        try await cancelUnansweredConsultation(index)
        finish(index)
    }

    /// The patient's part is over (the RTW drives back); the mission is forgotten once its consultation has ended too.
    func finish(_ index: Int) {
        runs[index]?.done = true
        forgetIfIdle(index)
    }

    func forgetIfIdle(_ index: Int) {
        guard let run = runs[index], run.done else { return }
        if let c = run.consultation, consultations[c] != nil { return }
        runs[index] = nil
    }
}
