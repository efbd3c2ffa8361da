import Foundation
import Hummingbird
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
    public var responseEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// A JSON response in the API's encoding.
    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try responseEncoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
