import Foundation
import Hummingbird

/// A request body type that names the keys it accepts; anything else is refused (strict decoding).
protocol StrictBody: Decodable {
    static var allowedKeys: Set<String> { get }
}

extension Request {
    /// Decodes a JSON body strictly: `Content-Type: application/json` (415), size limit (413), valid JSON object (400),
    /// no unknown keys (400 naming the key), then the type's own decoding (400 naming the missing or mistyped field).
    func decodeStrict<T: StrictBody>(_ type: T.Type, context: LotseRequestContext) async throws -> T {
        let mediaType = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw Problem(.unsupportedMediaType, title: "Falscher Inhaltstyp",
                          detail: "Content-Type: application/json erwartet (erhalten: \(headers[.contentType] ?? "keiner")) / JSON body required")
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem.badRequest("Inhalt muss ein JSON-Objekt sein / body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !T.allowedKeys.contains($0) }) {
            throw Problem.badRequest("Unbekanntes Feld „\(unknown)“ / unknown field", field: unknown)
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}
