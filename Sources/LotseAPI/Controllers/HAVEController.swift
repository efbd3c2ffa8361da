import Hummingbird
import LotseCapacity
import LotseDomain
import LotseExport
import LotseTime
import LotseTokens

/// The capacity picture as an OASIS EDXL-HAVE 2.0 document (`GET /v1/export/have`, `application/xml`), now or at a
/// past moment; read-only, same authentication and roles as the board.
struct HAVEController: APIController {
    let projector: CapacityProjector
    let clock: any LotseClock
    let export: HAVEExport

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/export/have", roles: Role.everyone, query: ["asOf"]) { request, _ in
                let asOf = try request.asOf()
                let now = clock.now()
                let index = try await projector.index(asOf: asOf, now: now)
                // A HAVE document holds one facility at least: before any site was registered there is none to send.
                guard !index.hospitals.isEmpty else { throw Problem.notFound("Zu diesem Zeitpunkt ist keine Klinik registriert") }
                return Response(status: .ok, headers: [.contentType: HAVEExport.mediaType],
                                body: .init(byteBuffer: ByteBuffer(string: export.document(index, at: asOf ?? now))))
            },
        ]
    }
}
