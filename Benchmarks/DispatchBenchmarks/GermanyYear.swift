import Foundation
import LotseCapacity
import LotseDomain

/// A year of events for every German site, applied to the index as the projector applies them (with the time-travel
/// history beside it, as `lotse serve` keeps it), for the resident memory and the dispatch latency of a
/// Germany-scale index (issue 16). Generated and applied on the fly: no event is kept.
///
/// The volume is MV's simulated year scaled by the number of sites: ≈ 956 000 events for 35 sites (Docs/SIMULATION.md)
/// → ≈ 27 300 per site and year → 73.8 M for 2 701 sites. The mix follows the simulated year: two thirds announcement
/// events (announced, acknowledged, arrived, handed over — each announcement runs through them in order), the rest
/// status reports, bed reports and closures; times spread evenly over the year.
struct GermanyYear {
    static let eventsPerSiteAndYear = 27_300

    struct Result {
        let index: CapacityIndex
        let history: CapacityHistory
        let events: Int
        let seconds: Double
    }

    static func apply(to start: CapacityIndex, from: Timestamp, progress: (Int, Int) -> Void) -> Result {
        let sites = start.hospitals.filter { !$0.profile.isEmpty }
        let total = sites.count * eventsPerSiteAndYear
        let stepMillis = Int64(365 * 86_400_000 / total)
        var index = start
        var history = CapacityHistory(start: start, spacing: 4096, budgetBytes: 32 << 20)
        var position = start.position
        var state: UInt64 = 2026
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        // Announcements waiting for their next step, oldest first (ring buffers of headers).
        var awaitingAck = Ring(), awaitingArrival = Ring(), awaitingHandover = Ring()
        var announced = 0, steps = 0
        let began = Date()
        for i in 0..<total {
            let at = Timestamp(millis: from.millis + Int64(i) * stepMillis)
            let site = sites[next() % sites.count]
            let keys = Array(site.profile)
            let roll = next() % 100
            let event: LotseEvent
            // Announcement events take their steps in turn (announce, acknowledge, arrive, hand over), each step on the
            // oldest announcement waiting for it; the first 3 000 only announce, so ≈ 3 000 patients are on their way at
            // any time (Germany: ≈ 33 000 announcements a day at ≈ half an hour each ≈ 700 — more is the harder case).
            if roll < 68 {
                let phase = steps < 3_000 ? 0 : steps % 4
                steps += 1
                switch phase {
                case 0:
                    announced += 1
                    let header = AnnouncementHeader(
                        announcementId: AnnouncementID("a-\(announced)")!, hospitalId: site.id, district: site.district, unit: "RTW \(announced % 500)")
                    event = .announcement(.announced(PatientAnnounced(
                        header: header, pzc: "421701", urgency: .red, flags: [], eta: at.adding(minutes: 20), bedCategory: .normal,
                        overrideReason: nil, overriddenResources: [], announcedBy: "bench", occurredAt: at)))
                    awaitingAck.push(header)
                case 1:
                    let h = awaitingAck.pop()!
                    event = .announcement(.acknowledged(AnnouncementAcknowledged(header: h, acknowledgedBy: "bench", occurredAt: at)))
                    awaitingArrival.push(h)
                case 2:
                    let h = awaitingArrival.pop()!
                    event = .announcement(.arrived(PatientArrived(header: h, arrivedAt: at, handoverAt: nil, occurredAt: at)))
                    awaitingHandover.push(h)
                default:
                    event = .announcement(.handedOver(PatientHandedOver(header: awaitingHandover.pop()!, handoverAt: at, offloadMinutes: 12, occurredAt: at)))
                }
            } else if roll < 69 {
                event = .hospital(.closed(ResourceClosed(
                    hospitalId: site.id, resource: keys[next() % keys.count], reason: "Gerät defekt", until: at.adding(minutes: 240), occurredAt: at)))
            } else if roll < 77 {
                event = .hospital(.bedsReported(BedCountsReported(
                    hospitalId: site.id, beds: [.icuHighCare: BedCount(free: next() % 5, operable: 8), .normal: BedCount(free: next() % 40, operable: 200)],
                    occurredAt: at)))
            } else {
                event = .hospital(.statusReported(ResourceStatusReported(
                    hospitalId: site.id, resource: keys[next() % keys.count], status: next() % 4 == 0 ? .limited : .available, occurredAt: at)))
            }
            position += 1
            index.apply(event, at: position)
            history.observe(event, index)
            if i % 1_000_000 == 0 { progress(i, total) }
        }
        return Result(index: index, history: history, events: total, seconds: Date().timeIntervalSince(began))
    }

    /// A FIFO of announcement headers.
    struct Ring {
        private var items: [AnnouncementHeader] = []
        private var head = 0
        var isEmpty: Bool { head == items.count }

        mutating func push(_ h: AnnouncementHeader) { items.append(h) }

        mutating func pop() -> AnnouncementHeader? {
            guard head < items.count else { return nil }
            defer {
                head += 1
                if head > 4096, head * 2 > items.count {
                    items.removeFirst(head)
                    head = 0
                }
            }
            return items[head]
        }
    }
}

/// Resident and peak resident memory of this process (`/proc/self/status`), in MB.
func residentMemoryMB() -> (resident: Double, peak: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func kB(_ field: String) -> Double {
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
    return (kB("VmRSS") / 1024, kB("VmHWM") / 1024)
}
