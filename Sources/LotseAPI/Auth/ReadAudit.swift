import LotseApplication
import LotseDomain
import LotseTime
import LotseTokens
import Synchronization

/// Puts every read of patient-related records (announcements, consultations, the alarms about them, the event stream)
/// on record before it is answered: one `PersonalDataRead` per request, naming the cases it returned.
///
/// Pages re-fetch their lists whenever anything happens; so that the record does not grow with every refresh, a case
/// this principal read by the same route is recorded again only after `window` (per node). The first read is always
/// on record before it is answered.
struct ReadAudit: Sendable {
    let service: PersonalDataAuditService
    let clock: any LotseClock
    /// How long one record covers further reads of the same case by the same principal and route.
    static let window = 10.0  // minutes
    private let recent = RecentReads()

    /// The standing purpose of a role's reads (a list has no `?reason=`; the detail routes ask for one).
    static func purpose(of role: Role) -> String {
        switch role {
        case .hospital: "Aufnahme angemeldeter Patienten"
        case .dispatcher: "Einsatzlenkung der Leitstelle"
        case .crew: "eigener Einsatz"
        case .physician: "telenotärztliche Versorgung"
        case .admin: "Betrieb und Aufsicht"
        }
    }

    func record(_ p: AuthenticatedPrincipal, route: String, cases: some Collection<String>, reason: String? = nil) async throws {
        let now = clock.now()
        let who = "\(p.principal)|\(route)|\(reason ?? "")"
        let due = recent.due(who, cases: cases, at: now, window: Self.window)
        guard !due.isEmpty else { return }
        try await service.record(route: route, reason: reason ?? Self.purpose(of: p.role), cases: due, by: p.principal, at: now)
        recent.recorded(who, cases: due, at: now)
    }
}

/// When each (reader and route, case) was last put on record by this node; bounded.
private final class RecentReads: Sendable {
    private let entries = Mutex<[String: Timestamp]>([:])

    func due(_ who: String, cases: some Collection<String>, at now: Timestamp, window: Double) -> [String] {
        entries.withLock { e in cases.filter { c in e["\(who)|\(c)"].map { now.minutes(since: $0) >= window } ?? true } }
    }

    func recorded(_ who: String, cases: [String], at now: Timestamp) {
        entries.withLock { e in
            if e.count > 100_000 { e.removeAll(keepingCapacity: true) }
            for c in cases { e["\(who)|\(c)"] = now }
        }
    }
}
