/// What a hospital can report about one of its resources.
public enum ReportedStatus: String, Sendable, Codable, CaseIterable {
    /// Takes patients.
    case available
    /// Takes patients only after telephone agreement.
    case limited
}

/// The recorded condition of one resource of one hospital (what the log says, before time-to-live).
public enum ResourceCondition: Hashable, Sendable, Codable {
    /// Never reported since registration.
    case notReported
    /// Reported available or limited at `since`.
    case reported(ReportedStatus, since: Timestamp)
    /// Closed (Abmeldung) at `since` with a reason until `until`; re-opens by itself at `until`.
    case closed(reason: String, until: Timestamp, since: Timestamp)

    /// The condition as it is at `now`: a closure whose `until` has passed counts as reopened (available)
    /// at `until`, exactly as the `ResourceClosureExpired` event will record it.
    public func settled(at now: Timestamp) -> ResourceCondition {
        if case let .closed(_, until, _) = self, until <= now { return .reported(.available, since: until) }
        return self
    }

    /// The status people see at `now`, given a time-to-live for reports (unknown is never available).
    public func status(at now: Timestamp, ttlMinutes: Double) -> ResourceStatus {
        switch settled(at: now) {
        case .notReported:
            return .unknown(lastReport: nil)
        case let .reported(s, since):
            if now.minutes(since: since) > ttlMinutes { return .unknown(lastReport: since) }
            return s == .available ? .available(since: since) : .limited(since: since)
        case let .closed(reason, until, since):
            return .closed(reason: reason, until: until, since: since)
        }
    }
}

/// The effective status of a resource at a point in time.
public enum ResourceStatus: Hashable, Sendable {
    case available(since: Timestamp)
    case limited(since: Timestamp)
    case closed(reason: String, until: Timestamp, since: Timestamp)
    /// No report, or the last report (if any) is older than the time-to-live.
    case unknown(lastReport: Timestamp?)

    /// `available`, `limited`, `closed` or `unknown`.
    /// The status without its details, as answers name it.
    public var kind: Kind {
        switch self {
        case .available: .available
        case .limited: .limited
        case .closed: .closed
        case .unknown: .unknown
        }
    }

    /// `available`, `limited`, `closed` or `unknown`.
    public enum Kind: String, Hashable, Sendable, Codable {
        case available, limited, closed, unknown
    }

    /// Whether a patient can be sent (available, or limited after a call).
    public var takesPatients: Bool {
        switch self {
        case .available, .limited: true
        case .closed, .unknown: false
        }
    }

    /// The time of the report this status rests on.
    public var reportedAt: Timestamp? {
        switch self {
        case let .available(s), let .limited(s), let .closed(_, _, s): s
        case let .unknown(last): last
        }
    }
}
