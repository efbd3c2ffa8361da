import Foundation
import Hummingbird
import LotseApplication
import LotseTokens

/// The request context of the Lotse API: Hummingbird's core storage plus the verified caller.
public struct LotseRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware`; nil only on the public health routes.
    public var principal: AuthenticatedPrincipal?
    /// The body size limit (413 above it), from the configuration.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        maxUploadSize = APIConfiguration.defaultMaxBodyBytes
    }

    /// The caller; routes behind `AuthMiddleware` always have one.
    public func requirePrincipal() throws -> AuthenticatedPrincipal {
        guard let principal else { throw Problem.unauthorized("Anmeldung erforderlich (Bearer-Token)") }
        return principal
    }

    /// The API's one JSON encoding: keys sorted (stable answers), slashes unescaped.
    public var responseEncoder: JSONEncoder { Self.apiEncoder }

    /// A new encoder in the API's encoding (JSONEncoder is a class: one per answer).
    static var apiEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// A JSON response in the API's encoding.
    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try responseEncoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The same response for a value that writes its document itself (the same bytes; a test compares).
    func json<T: DirectJSON>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        var w = JSONWriter(capacity: 256)
        value.write(&w)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: w.withBytes { ByteBuffer(bytes: $0) }))
    }
}

/// An answer that writes its JSON document itself, byte for byte what `JSONEncoder` in the API's encoding writes
/// (keys sorted, slashes unescaped) — for the answers of every write, where `JSONEncoder` cost ≈ 5 % of the server's
/// CPU (issue 16).
protocol DirectJSON: Encodable {
    func write(_ w: inout JSONWriter)
}
