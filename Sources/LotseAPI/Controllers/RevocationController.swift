import Foundation
import Hummingbird
import LotseApplication
import LotseDomain
import LotseTime
import LotseTokens

/// Token revocation (admin): `POST /v1/revocations` puts a `TokenRevoked` event on the log — every node refuses the
/// token from the projection step that applies it —, `GET /v1/revocations` lists what is on record.
struct RevocationController: APIController {
    let revocations: TokenRevocationService
    let clock: any LotseClock

    struct RevokeBody: StrictBody {
        static let allowedKeys: Set<String> = ["jti", "reason"]
        let jti: String
        let reason: String
    }

    struct Result: Codable {
        let jti: String
        let position: Int64
        /// False when the id was revoked before (nothing new written).
        let newlyRevoked: Bool
        let deduplicated: Bool
    }

    struct Entry: Codable {
        let jti: String
        let reason: String
        let at: Timestamp
        let principal: String
        let position: Int64
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/revocations", roles: [.admin]) { request, context in
                let p = try context.requirePrincipal()
                let b = try await request.decodeStrict(RevokeBody.self, context: context)
                do {
                    let o = try await revocations.revoke(
                        jti: b.jti, reason: b.reason, by: p.principal, at: clock.now(), idempotencyKey: try request.idempotencyKey(),
                        correlationId: context.id)
                    return try context.json(Result(jti: b.jti, position: o.position, newlyRevoked: !o.events.isEmpty, deduplicated: o.deduplicated),
                                            status: o.events.isEmpty || o.deduplicated ? .ok : .created)
                } catch let e as TokenRevocationError {
                    switch e {
                    case .invalidTokenID: throw Problem.unprocessable("Token-ID (jti): 1–200 sichtbare ASCII-Zeichen / invalid jti", field: "jti")
                    case .reasonRequired: throw Problem.unprocessable("Grund angeben (1–500 Zeichen) / reason required", field: "reason")
                    }
                }
            },
            APIRoute(.get, "/v1/revocations", roles: [.admin]) { _, context in
                let entries = try await revocations.all().map { e, r in
                    Entry(jti: e.jti, reason: e.reason, at: e.at, principal: (try? JSONDecoder().decode(EventMetadata.self, from: r.metadata))?.principal ?? "",
                          position: r.position)
                }
                return try context.json(["revocations": entries])
            },
        ]
    }
}
