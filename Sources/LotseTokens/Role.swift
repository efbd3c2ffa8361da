import Foundation
import LotseDomain

/// The roles of DESIGN §1/§6.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// A hospital (ZNA, bed manager): scope = its hospital ids.
    case hospital
    /// A Leitstelle dispatcher: scope = its Rettungsdienstbereiche.
    case dispatcher
    /// An ambulance crew: scope = its unit id.
    case crew
    /// A Telenotarzt: scope = its centre.
    case physician
    /// Operator / ÄLRD: scope `*`.
    case admin
}

extension Role {
    /// The same role as it is recorded with the events this caller causes.
    public var principalRole: Principal.Role {
        switch self {
        case .hospital: .hospital
        case .dispatcher: .dispatcher
        case .crew: .crew
        case .physician: .physician
        case .admin: .admin
        }
    }
}

/// Who is calling, as the verified token says.
public struct AuthenticatedPrincipal: Sendable, Hashable {
    /// The token's subject (a person or system name).
    public let subject: String
    public let role: Role
    /// Hospital ids, district names, a unit id or a centre, by role; `*` for everything.
    public let scope: Set<String>
    /// The token's id (`jti`) and expiry, when the principal comes from a verified token: a long-lived request (an event
    /// stream) ends when the token is revoked or expires.
    public let tokenID: String?
    public let expires: Date?

    public init(subject: String, role: Role, scope: Set<String>, tokenID: String? = nil, expires: Date? = nil) {
        self.subject = subject
        self.role = role
        self.scope = scope
        self.tokenID = tokenID
        self.expires = expires
    }

    /// The principal recorded with every event this caller causes: `role:subject`.
    public var principal: Principal { Principal(role: role.principalRole, id: subject) }

    /// Whether the scope covers `value` (or everything).
    public func covers(_ value: String) -> Bool { scope.contains("*") || scope.contains(value) }
}
