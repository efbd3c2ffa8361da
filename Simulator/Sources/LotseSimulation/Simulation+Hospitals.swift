import Foundation
import LotseCapacity
import LotseDemand
import LotseDomain

/// Hospitals as the simulation plays them: regular reports (late or missing by reporting class), closures when
/// beds run out (sometimes first sent without a reason), reopening when beds are free again, device outages.
extension Simulation {
    /// A report is due: sent after the class's delay, or not at all.
    func reportDue(_ slot: Int) {
        let r = hospitals[slot].reporting
        if hospitalRng[slot].chance(r.missShare) {
            outcomes.reportsMissed += 1
            return
        }
        let delay = r.delayMedianMinutes > 0 ? hospitalRng[slot].lognormal(mean: r.delayMedianMinutes * 1.2, sd: r.delayMedianMinutes) : 0
        schedule(now.adding(minutes: delay), .report(slot))
    }

    /// The bed manager's round: bed counts, the status of every open resource, closures and reopenings.
    func report(_ slot: Int) async throws {
        let h = hospitals[slot]
        if !h.report.isEmpty {
            outcomes.bedReports += 1
            try await hospitalCommand("beds", .reportBeds(h.report), slot: slot)
        }
        try await checkBeds(slot, reopen: true)
        let state = index[h.id]
        for key in h.profile {
            if case .closed = state?.condition(key).settled(at: now) { continue }
            outcomes.statusReports += 1
            try await hospitalCommand("status", .reportStatus(key, hospitals[slot].reportedStatus(key)), slot: slot)
        }
    }

    /// Closes the specialty of a full bed category; at a round, reopens it when beds are free again.
    func checkBeds(_ slot: Int, reopen: Bool) async throws {
        for category in [BedCategory.icuHighCare, .normal, .pediatric, .pediatricICU] {
            let key = HospitalModel.resource(closedWhenFull: category)
            let h = hospitals[slot]
            guard h.profile.contains(key), h.pooledOperable(category) > 0 else { continue }
            let free = h.pooledFree(category)
            let closedNow: Bool
            if case .closed = index[h.id]?.condition(key).settled(at: now) { closedNow = true } else { closedNow = false }
            if free == 0, !closedNow {
                try await close(slot, key, reason: "\(category.germanLabel): keine freien Betten", until: now.adding(minutes: scenario.hospitals.closureHours * 60))
                hospitals[slot].closedForBeds.insert(key)
            } else if reopen, closedNow, h.closedForBeds.contains(key), free >= scenario.hospitals.reopenFreeBeds {
                try await hospitalCommand("reopen", .reopen(key), slot: slot)
                outcomes.reopenings += 1
                hospitals[slot].closedForBeds.remove(key)
            } else if !closedNow {
                hospitals[slot].closedForBeds.remove(key)
            }
        }
    }

    /// A closure; some are first sent without a reason, which Lotse refuses, and then sent again with one.
    func close(_ slot: Int, _ key: ResourceKey, reason: String, until: Timestamp) async throws {
        if hospitalRng[slot].chance(scenario.hospitals.closureWithoutReasonShare) {
            if try await hospitalCommand("close", .close(key, reason: "", until: until), slot: slot) == .reasonRequired {
                outcomes.closuresRefusedWithoutReason += 1
            }
        }
        if try await hospitalCommand("close", .close(key, reason: reason, until: until), slot: slot) == nil {
            outcomes.closures += 1
            outcomes.closuresByResource[key.rawValue, default: 0] += 1
        }
    }

    /// A device or team fails: closed until the estimated end (rounded up to the half hour); reopened when it is back.
    func outageStart(_ slot: Int, _ key: ResourceKey, _ back: Timestamp) async throws {
        if case .closed = index[hospitals[slot].id]?.condition(key).settled(at: now) { return }
        let halfHour: Int64 = 1_800_000
        let until = Timestamp(millis: (back.millis / halfHour + 1) * halfHour)
        outcomes.outages += 1
        hospitals[slot].outages[key] = back
        try await close(slot, key, reason: "\(key.germanLabel) ausgefallen (Gerät/Team)", until: until)
        schedule(back, .outageEnd(slot, key))
    }

    func outageEnd(_ slot: Int, _ key: ResourceKey) async throws {
        hospitals[slot].outages[key] = nil
        guard case .closed = index[hospitals[slot].id]?.condition(key).settled(at: now) else { return }
        if try await hospitalCommand("reopen", .reopen(key), slot: slot) == nil { outcomes.reopenings += 1 }
    }

    /// Every hour: the other patients come and go; the peak of closed resources is sampled.
    func hour() {
        for slot in hospitals.indices {
            hospitals[slot].backgroundHour(occupancy: scenario.hospitals.backgroundOccupancy, losDays: losDays, rng: &bgRng[slot])
        }
        today.peakClosed = max(today.peakClosed, count(.closed))
        schedule(now.adding(minutes: 60), .hour)
    }

    /// Every 5 minutes: what `lotse serve`'s timers do — expire closures past `until`, escalate unacknowledged red announcements.
    func timers() async throws {
        let t0 = latency.clock.now
        let expired = try await capacity.expireDueClosures(in: index, at: now)
        let escalated = try await announcements.escalateDue(in: index, at: now, thresholdSeconds: 120)
        if expired + escalated > 0 {
            // Timed only when the timers wrote something (an idle check is not a command).
            latency.record("timers", since: t0)
            commands += expired + escalated
            try await catchUp()
        }
        outcomes.closureExpiries += expired
        outcomes.announcementsEscalated += escalated
        schedule(now.adding(minutes: 5), .timers)
    }

    enum Shown { case closed, unknown }

    /// Resources of all hospitals shown as closed or unknown now.
    func count(_ what: Shown) -> Int {
        let ttl = ranking.parameters.statusTTLMinutes
        var n = 0
        for h in index.hospitals {
            for key in h.profile {
                switch (h.condition(key).status(at: now, ttlMinutes: ttl), what) {
                case (.closed, .closed), (.unknown, .unknown): n += 1
                default: break
                }
            }
        }
        return n
    }

    func sampleDay() {
        func occupancy(_ cats: [BedCategory]) -> Double {
            var used = 0, beds = 0
            for h in hospitals {
                for c in cats {
                    used += h.occupied(c.index)
                    beds += h.operable[c.index]
                }
            }
            return beds == 0 ? 0 : (Double(used) / Double(beds) * 1000).rounded() / 1000
        }
        outcomes.daily.append(DayPoint(
            day: outcomes.daily.count + 1, missions: today.missions, events: today.events, closedResources: count(.closed),
            peakClosedResources: max(today.peakClosed, count(.closed)), unknownResources: count(.unknown),
            normalOccupancy: occupancy([.normal]), icuOccupancy: occupancy([.icuHighCare, .icuLowCare]), tnaRequests: today.tnaRequests))
        today = DayCounters()
    }
}
