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
    /// `ResourceCondition.status(at:ttlMinutes:)` (an expired closure counts as available since `until`).
    /// `@inlinable`: the dispatch hot loop (another module) calls it for every required key of every hospital.
    @inlinable
    public func evaluate(now: Int64, ttlMinutes: Double) -> (takes: Bool, limited: Bool) {
        switch kind {
        case .available: return (Double(now - since) / 60_000 <= ttlMinutes, false)
        case .limited:
            let fresh = Double(now - since) / 60_000 <= ttlMinutes
            return (fresh, fresh)
        case .closed:
            guard until <= now else { return (false, false) }
            return (Double(now - until) / 60_000 <= ttlMinutes, false)
        case .notReported: return (false, false)
        }
    }
}
