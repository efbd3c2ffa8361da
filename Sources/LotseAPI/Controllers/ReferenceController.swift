import Foundation
import Hummingbird
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseSeed
import LotseTokens

/// Reference data for people picking instead of typing: the IVENA codes of the requirement table (by name) and
/// the municipalities of MV (a position for the dispatch panel). Read-only, the same for every role.
struct ReferenceController: APIController {
    let table: RequirementTable
    /// The largest filler `/v1/ping?pad=` writes.
    static let maxPad = 16_384
    /// The filler's bytes, once (`String(repeating:count:)` per request cost ≈ 25 ns a character).
    static let filler = [UInt8](repeating: UInt8(ascii: "x"), count: maxPad)

    struct Code: Codable {
        let rmi: String
        let name: String
        let group: String
        /// Urgencies the code may be dispatched with; empty for statistics codes.
        let allowedUrgencies: [Int]
        /// True when Lotse ranks hospitals for it (an allocation code with requirements).
        let rankable: Bool
        let required: [ResourceKey]
        let minNotfallstufe: Int
    }

    struct Codes: Codable {
        let rulesVersion: String
        let codes: [Code]
    }

    struct Municipalities: Codable {
        let municipalities: [DistrictMap.Entry]
    }

    var routes: [APIRoute] {
        [
            // The trivial route behind the same authentication as every /v1 route: what the HTTP benchmark compares
            // dispatch with (issue 16), and a token check for clients ("does my token work?"). `pad` adds that many
            // bytes of filler: the stack's ceiling for an answer the size of a dispatch answer.
            APIRoute(.get, "/v1/ping", roles: Role.everyone, query: ["pad"]) { request, context in
                let p = try context.requirePrincipal()
                let pad = try request.query("pad") { Int($0) } ?? 0
                guard (0...Self.maxPad).contains(pad) else { throw Problem.unprocessable("„pad“ muss 0–\(Self.maxPad) sein", field: "pad") }
                var w = JSONWriter(capacity: 96 + pad)
                w.object {
                    if pad > 0 { $0.field("pad") { $0.string(String(decoding: Self.filler[..<pad], as: UTF8.self)) } }
                    $0.field("principal") { $0.string(p.principal.description) }
                    $0.field("status") { $0.string("ok") }
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: w.withBytes { ByteBuffer(bytes: $0) }))
            },
            APIRoute(.get, "/v1/reference/codes", roles: Role.everyone) { _, context in
                let table = table
                let codes = table.rows.values.sorted { $0.rmi < $1.rmi }.map { r in
                    Code(rmi: r.rmi.code, name: r.nameDE, group: r.group, allowedUrgencies: r.allowedUrgencies.map(\.rawValue).sorted(),
                         rankable: r.isAllocationCode && !r.required.isEmpty && !r.allowedUrgencies.isEmpty,
                         required: r.required.keys, minNotfallstufe: r.minNotfallstufe)
                }
                return try context.json(Codes(rulesVersion: table.version, codes: codes))
            },
            APIRoute(.get, "/v1/reference/municipalities", roles: Role.everyone) { _, context in
                guard let map = Self.municipalities else { throw Problem(.internalServerError, title: "Referenzdaten fehlen", detail: "mv_gemeinden.csv nicht lesbar") }
                return try context.json(Municipalities(municipalities: map.entries))
            },
        ]
    }

    /// The bundled municipalities (726 for MV), read once.
    static let municipalities: DistrictMap? = try? DistrictMap(gemeindenCSV: ReferenceData.text("mv_gemeinden.csv"))
}
