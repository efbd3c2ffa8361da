import LotseApplication
import LotseDomain
import LotseTime
import LotseTokens

/// Puts every read of patient-related records (announcements, consultations, the alarms about them, the event stream)
/// on record before it is answered: one `PersonalDataRead` per request, naming the cases it returned.
struct ReadAudit: Sendable {
    let service: PersonalDataAuditService
    let clock: any LotseClock

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
        try await service.record(route: route, reason: reason ?? Self.purpose(of: p.role), cases: cases, by: p.principal, at: clock.now())
    }
}
