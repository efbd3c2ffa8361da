import Foundation
import LotseDomain
import LotseTelenotarzt
import Testing

/// The dispatcher's queue without sorting (issue 16) against the rule as first written: sort the waiting cases, walk
/// them once, offer each to the best eligible physician. Random days of signing on, requests, answers, time outs and
/// closings; after every input the offers must be the same, and the state folded at once from all events must equal
/// the state kept incrementally (in place).
struct TNAQueuePropertyTests {
    let t0 = Timestamp(iso8601: "2026-11-23T10:00:00Z")!
    let north = DistrictID("Vorpommern-Rügen"), south = DistrictID("Ludwigslust-Parchim"), both = DistrictID("Rostock")
    let a = CentreID("TNA-A"), b = CentreID("TNA-B"), backup = CentreID("TNA-Backup")

    var network: TNANetwork {
        TNANetwork(centres: [
            .init(id: a, name: "A", districts: [north, both]),
            .init(id: b, name: "B", districts: [south, both]),
            .init(id: backup, name: "Backup", districts: [], backupFor: [a]),
        ])
    }

    /// The rule as first written (before issue 16): the whole queue sorted, walked once.
    static func referenceOffers(_ state: TNAState, now: Timestamp) -> [TNAEvent] {
        var s = state
        var events: [TNAEvent] = []
        for c in s.queue(at: now) {
            let candidates = s.physicians.values.filter { p in
                p.status == .available && p.assigned.count < p.maxParallel && !c.passedBy.contains(p.id)
                    && s.network.serves(p.centre, c.request.district, overflow: c.backupAlerted)
            }
            guard let chosen = candidates.min(by: { x, y in
                if x.assigned.count != y.assigned.count { return x.assigned.count < y.assigned.count }
                if x.idleSince != y.idleSince { return x.idleSince < y.idleSince }
                return x.id < y.id
            }) else { continue }
            let e = TNAEvent.offered(c.request.id, to: chosen.id, expiresAt: now.adding(seconds: s.rules.offerTimeoutSeconds), at: now)
            events.append(e)
            s = TNADispatchAggregate.evolve(s, e)
        }
        return events
    }

    func randomInput(_ s: TNAState, _ n: Int, _ rng: inout MMIXRandom) -> TNAInput {
        let physicians = (0..<6).map { PhysicianID("dr-\($0)") }
        let open = s.open.keys.sorted()
        let anyOpen = open.randomElement(using: &rng)
        let p = physicians.randomElement(using: &rng)!
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<6:
            return .signOn(p, centre: [a, b, backup].randomElement(using: &rng)!, maxParallel: Int.random(in: 1...2, using: &rng))
        case 6..<8: return .signOff(p)
        case 8..<10: return .pause(p)
        case 10..<13: return .resume(p)
        case 13..<43:
            return .request(ConsultationRequest(
                id: ConsultationID("k\(n)"), kind: .crewAdvice, priority: Int.random(in: 1...4, using: &rng),
                district: [north, south, both].randomElement(using: &rng)!, position: nil, pzc: nil, unit: "RTW-\(n % 7)"))
        default:
            guard let id = anyOpen, let c = s.consultations[id] else { return .tick }
            let holder = c.physician ?? p
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: return .accept(id, by: holder)
            case 1: return .decline(id, by: holder)
            case 2: return .connect(id, by: holder)
            case 3, 4: return .end(id, by: holder, disposition: .treatedOnScene)
            case 5: return .cancel(id, reason: "Einsatz beendet")
            case 6: return .escalate(id)
            default: return .tick
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func offersEqualTheSortedWalkAndTheFoldEqualsTheIncrementalState(seed: UInt64) throws {
        var rng = MMIXRandom(state: seed)
        let initial = TNAState(network: network)
        var state = initial
        var all: [TNAEvent] = []
        var now = t0
        var offers = 0
        for n in 0..<400 {
            now = now.adding(seconds: Int64.random(in: 0...120, using: &rng))
            let input = randomInput(state, n, &rng)
            let events: [TNAEvent]
            do { events = try TNADispatchAggregate.decide(input, state: state, now: now) } catch { continue }
            let split = events.firstIndex { if case .offered = $0 { true } else { false } } ?? events.count
            #expect(events[split...].allSatisfy { if case .offered = $0 { true } else { false } }, "offers come last")
            let afterInput = events[..<split].reduce(state) { TNADispatchAggregate.evolve($0, $1) }
            let expected = Self.referenceOffers(afterInput, now: now)
            #expect(Array(events[split...]) == expected, "seed \(seed), input \(n): \(input)")
            offers += expected.count
            for e in events { TNADispatchAggregate.apply(&state, e) }
            all += events
        }
        #expect(offers > 20, "the random day made offers")
        #expect(state.closed.count > 10 && !state.open.isEmpty, "cases were closed and some stay open")
        let folded = all.reduce(initial) { TNADispatchAggregate.evolve($0, $1) }
        #expect(folded == state)
        let roundTrip = try JSONDecoder().decode(TNAState.self, from: try JSONEncoder().encode(state))
        #expect(roundTrip == state)
    }
}

/// A replayable generator for this test: Knuth's MMIX linear congruential generator, the high bits mixed down.
struct MMIXRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}
