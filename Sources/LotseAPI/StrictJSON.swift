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
        guard Self.isJSON(contentType: headers[.contentType]) else {
            throw Problem(.unsupportedMediaType, title: "Falscher Inhaltstyp",
                          detail: "Content-Type: application/json erwartet (erhalten: \(headers[.contentType] ?? "keiner")) / JSON body required")
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        // A flat object of strings that the type takes as it is: no JSONDecoder (FlatJSONBody); anything else below.
        if let flat = T.self as? any FlatJSONBody.Type, let fields = buffer.withUnsafeReadableBytes(FlatJSONObject.fields),
           fields.keys.allSatisfy(T.allowedKeys.contains), let value = flat.init(flatFields: fields) as? T {
            return value
        }
        // One pass of JSONDecoder: `Strictly` checks the object's keys, then lets `T` decode itself from the same
        // decoder (a JSONSerialization pass before JSONDecoder's cost as much again on every write).
        let decoder = JSONDecoder()
        let started = StrictStart()
        decoder.userInfo[StrictStart.key] = started
        do {
            return try decoder.decode(Strictly<T>.self, from: Data(buffer.readableBytesView)).value
        } catch StrictBodyError.notAnObject {
            throw Problem.badRequest("Inhalt muss ein JSON-Objekt sein / body must be a JSON object")
        } catch let StrictBodyError.unknownKey(unknown) {
            throw Problem.badRequest("Unbekanntes Feld „\(unknown)“ / unknown field", field: unknown)
        } catch DecodingError.dataCorrupted where !started.value {
            // Not JSON at all (JSONDecoder refused it before any type saw it).
            throw Problem.badRequest("Inhalt muss ein JSON-Objekt sein / body must be a JSON object")
        }
    }
}

extension Request {
    /// Whether a Content-Type names `application/json`: its first non-empty part before a `;`, blanks around it
    /// trimmed, in any case. An ASCII header is read on its bytes (Foundation's `trimmingCharacters` cost ≈ 3 % of a
    /// durable update's server CPU, issue 16); any other goes through `isJSONByCharacters`, the check as it always was.
    static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return false }
        guard contentType.utf8.allSatisfy({ $0 < 0x80 }) else { return isJSONByCharacters(contentType) }
        guard var type = contentType.utf8.split(separator: UInt8(ascii: ";")).first else { return false }
        while let b = type.first, b == 0x20 || b == 0x09 { type = type.dropFirst() }
        while let b = type.last, b == 0x20 || b == 0x09 { type = type.dropLast() }
        let json = "application/json".utf8
        return type.count == json.count && zip(type, json).allSatisfy { a, b in
            (a >= UInt8(ascii: "A") && a <= UInt8(ascii: "Z") ? a + 32 : a) == b
        }
    }

    /// The check on characters (Unicode blanks, combining marks): the reference the byte check must agree with.
    static func isJSONByCharacters(_ contentType: String) -> Bool {
        contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// A body as `decodeStrict` reads it: a JSON object with none but `T.allowedKeys`, then `T`'s own decoding (whose
/// errors name the missing or mistyped field).
private struct Strictly<T: StrictBody>: Decodable {
    let value: T

    init(from decoder: any Decoder) throws {
        (decoder.userInfo[StrictStart.key] as? StrictStart)?.value = true
        let keys: [String]
        do {
            keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        } catch {
            throw StrictBodyError.notAnObject
        }
        if let unknown = keys.sorted().first(where: { !T.allowedKeys.contains($0) }) { throw StrictBodyError.unknownKey(unknown) }
        value = try T(from: decoder)
    }
}

private enum StrictBodyError: Error {
    case notAnObject
    case unknownKey(String)
}

/// Whether decoding reached `Strictly` (the JSON parsed). `@unchecked Sendable`: set and read on the decoding thread.
private final class StrictStart: @unchecked Sendable {
    static let key = CodingUserInfoKey(rawValue: "lotse.strictStart")!
    var value = false
}

/// Any key of a JSON object.
private struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
