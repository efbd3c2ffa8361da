import LotseDomain

/// A resource condition without strings, for the dispatch hot loop (the reason of a closure stays in
/// `HospitalState`; it is read only when an answer is formatted).
public struct PackedCondition: Sendable, Hashable {
    /// What was reported last (one byte).
    public enum Kind: UInt8, Sendable, Hashable {
        case notReported, available, limited, closed
    }

    public let kind: Kind
    public let since: Int64
    public let until: Int64

    public static let notReported = PackedCondition(kind: .notReported, since: 0, until: 0)

    init(kind: Kind, since: Int64, until: Int64) {
        self.kind = kind
        self.since = since
        self.until = until
    }

    public init(_ c: ResourceCondition) {
        switch c {
        case .notReported: self = .notReported
        case let .reported(.available, since): self.init(kind: .available, since: since.millis, until: 0)
        case let .reported(.limited, since): self.init(kind: .limited, since: since.millis, until: 0)
        case let .closed(_, until, since): self.init(kind: .closed, since: since.millis, until: until.millis)
        }
    }

    /// Whether the resource takes patients at `now`, and whether only limited — the same rule as
    /// `ResourceCondition.status(at:ttlMinutes:)` (an expired closure counts as available since `until`), with the
    /// time-to-live as `freshLimit(ttlMinutes:)`, made once per ranking: one integer comparison per resource where the
    /// rule divides (the division was ≈ 8 % of a Germany-scale ranking's samples).
    /// `@inlinable`: the dispatch hot loop (another module) calls it for every required key of every hospital.
    @inlinable
    public func evaluate(now: Int64, freshLimit: Int64) -> (takes: Bool, limited: Bool) {
        switch kind {
        case .available: return (now - since <= freshLimit, false)
        case .limited:
            let fresh = now - since <= freshLimit
            return (fresh, fresh)
        case .closed:
            guard until <= now else { return (false, false) }
            return (now - until <= freshLimit, false)
        case .notReported: return (false, false)
        }
    }

    /// The largest age in milliseconds a report may have and still count at `ttlMinutes`: the largest `age` with
    /// `Double(age) / 60_000 <= ttlMinutes`, the rule of `ResourceCondition.status` (via `Timestamp.minutes(since:)`).
    /// That quotient never falls as the age grows (the conversion and the division both round monotonically), so the
    /// ages it admits are exactly those up to this limit: `age <= freshLimit` decides as the division does, for every age.
    public static func freshLimit(ttlMinutes: Double) -> Int64 {
        func admits(_ age: Int64) -> Bool { Double(age) / 60_000 <= ttlMinutes }
        if admits(.max) { return .max }
        guard admits(.min) else { return .min }  // NaN: no age is fresh (`.min` itself cannot be an age: `now - since`)
        // Bisection between an admitted and a refused age (64 steps at most; a ranking makes it once).
        var (admitted, refused) = (Int64.min, Int64.max)
        while true {
            let gap = UInt64(bitPattern: refused) &- UInt64(bitPattern: admitted)
            guard gap > 1 else { return admitted }
            let middle = admitted &+ Int64(bitPattern: gap / 2)
            if admits(middle) { admitted = middle } else { refused = middle }
        }
    }
}
