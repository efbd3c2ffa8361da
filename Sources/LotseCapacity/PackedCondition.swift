import LotseDomain

/// A resource condition without strings, for the dispatch hot loop (the reason of a closure stays in
/// `HospitalState`; it is read only when an answer is formatted).
public struct PackedCondition: Sendable, Hashable {
    /// 0 not reported, 1 available, 2 limited, 3 closed.
    public let kind: UInt8
    public let since: Int64
    public let until: Int64

    public static let notReported = PackedCondition(kind: 0, since: 0, until: 0)

    init(kind: UInt8, since: Int64, until: Int64) {
        self.kind = kind
        self.since = since
        self.until = until
    }

    public init(_ c: ResourceCondition) {
        switch c {
        case .notReported: self = .notReported
        case let .reported(.available, since): self.init(kind: 1, since: since.millis, until: 0)
        case let .reported(.limited, since): self.init(kind: 2, since: since.millis, until: 0)
        case let .closed(_, until, since): self.init(kind: 3, since: since.millis, until: until.millis)
        }
    }

    /// Whether the resource takes patients at `now`, and whether only limited — the same rule as
    /// `ResourceCondition.status(at:ttlMinutes:)` (an expired closure counts as available since `until`).
    @inline(__always)
    public func evaluate(now: Int64, ttlMinutes: Double) -> (takes: Bool, limited: Bool) {
        switch kind {
        case 1: return (Double(now - since) / 60_000 <= ttlMinutes, false)
        case 2:
            let fresh = Double(now - since) / 60_000 <= ttlMinutes
            return (fresh, fresh)
        case 3:
            guard until <= now else { return (false, false) }
            return (Double(now - until) / 60_000 <= ttlMinutes, false)
        default: return (false, false)
        }
    }
}
