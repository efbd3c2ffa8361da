import Foundation
import HTTPTypes
import Hummingbird
import LotseEventStore

/// While the store does not answer, a node keeps answering queries from the state it last applied — and says how old
/// that state may be: `Lotse-Data-Age: <seconds>` on every response under `/v1` (and `dataAgeSeconds` in the board).
struct DataAgeMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("Lotse-Data-Age")! }
    let store: any EventStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let status = store.status
        if !status.reachable { response.headers[Self.header] = String(Int(status.staleSeconds().rounded(.up))) }
        return response
    }
}
