import Foundation
import LotseCapacity
import LotseDomain
import Testing

/// The dispatch loop's packed condition decides as the domain's rule (`ResourceCondition.status`) does: with the
/// time-to-live as an integer limit on a report's age instead of a division per resource (issue 16).
@Suite struct PackedConditionTests {
    /// Times-to-live: the default, fractional minutes, the tiny and the huge (around the largest age a `Double` quotient
    /// still tells apart), infinity.
    static let ttls: [Double] = [
        720, 60, 1, 0.5, 1.0 / 3, 12.345_678_9, 0.001, 1e-9, .leastNonzeroMagnitude, 1_000_000.7, 1.5e14, 1.537_228_672_809_129e14, 1e300, .infinity,
    ]

    /// For every time-to-live: the limit is admitted, the next age is not, and random ages (near the limit and
    /// anywhere) are admitted exactly when the division admits them.
    @Test(arguments: ttls) func theLimitAdmitsExactlyTheAgesTheDivisionAdmits(ttl: Double) {
        let limit = PackedCondition.freshLimit(ttlMinutes: ttl)
        let divides = { (age: Int64) in Double(age) / 60_000 <= ttl }
        #expect(divides(limit))
        if limit < .max { #expect(!divides(limit + 1)) }
        var rng = SplitMix64(seed: UInt64(ttl.bitPattern))
        for _ in 0..<2_000 {
            let near = limit.addingReportingOverflow(Int64.random(in: -5_000...5_000, using: &rng))
            let ages = [near.overflow ? limit : near.partialValue, Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng),
                        Int64.random(in: .min / 2 ... .max / 2, using: &rng)]
            for age in ages { #expect((age <= limit) == divides(age), "ttl \(ttl), age \(age)") }
        }
    }

    @Test func noAgeIsFreshWithoutATimeToLive() {
        #expect(PackedCondition.freshLimit(ttlMinutes: .nan) == .min)
        #expect(PackedCondition.freshLimit(ttlMinutes: -.infinity) == .min)
        #expect(PackedCondition.freshLimit(ttlMinutes: 0) == 0)
        #expect(PackedCondition.freshLimit(ttlMinutes: 720) == 43_200_000)
    }

    /// Random conditions at random times: what the packed condition says (takes patients, only limited) is what the
    /// status people see says — available or limited takes, limited is limited, closed and unknown do not take.
    @Test func packedEvaluationIsTheStatusRule() {
        var rng = SplitMix64(seed: 16)
        let base = Timestamp(iso8601: "2026-11-23T10:00:00Z")!.millis
        for i in 0..<20_000 {
            let ttl = [720, 60, 0.5, 12.345_678_9][(i / 4) % 4]
            let since = Timestamp(millis: base + Int64.random(in: -3_000_000_000...0, using: &rng))
            let condition: ResourceCondition
            switch i % 4 {
            case 0: condition = .notReported
            case 1: condition = .reported(.available, since: since)
            case 2: condition = .reported(.limited, since: since)
            default: condition = .closed(reason: "Wartung", until: Timestamp(millis: since.millis + Int64.random(in: 0...200_000_000, using: &rng)), since: since)
            }
            // Around the edges too: a report's age at the time-to-live, a millisecond either side — for a closure, counted
            // from its end.
            let from = if case let .closed(_, until, _) = condition { until.millis } else { since.millis }
            let edge = from + PackedCondition.freshLimit(ttlMinutes: ttl) + Int64.random(in: -1...1, using: &rng)
            for now in [Timestamp(millis: base + Int64.random(in: -1_000_000...1_000_000_000, using: &rng)), Timestamp(millis: edge)] {
                let packed = PackedCondition(condition).evaluate(now: now.millis, freshLimit: PackedCondition.freshLimit(ttlMinutes: ttl))
                let status = condition.status(at: now, ttlMinutes: ttl)
                let (takes, limited): (Bool, Bool) = switch status {
                case .available: (true, false)
                case .limited: (true, true)
                case .closed, .unknown: (false, false)
                }
                #expect(packed.takes == takes && packed.limited == limited, "\(condition) at \(now), ttl \(ttl): \(status)")
            }
        }
    }
}
