import HTTPTypes
import Hummingbird
import HummingbirdCore
import LotseDomain

/// A request's query parameters, parsed once (`URI.queryParameters` parses the query on every access).
struct QueryValues {
    let values: FlatDictionary<Substring, Substring>

    init(_ request: Request) { values = request.uri.queryParameters }

    /// A parameter parsed by `parse`, or a 400 naming it.
    func value<T>(_ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let raw = values[Substring(name)] else { return nil }
        guard let v = parse(String(raw)) else { throw Problem.badRequest("Parameter „\(name)“ ungültig: „\(raw)“", field: name) }
        return v
    }

    subscript(name: String) -> Substring? { values[Substring(name)] }
}

extension Request {
    /// A query parameter parsed by `parse`, or a 400 naming it.
    func query<T>(_ name: String, _ parse: (String) -> T?) throws -> T? {
        try QueryValues(self).value(name, parse)
    }

    /// The `Idempotency-Key` header (1–200 visible ASCII characters).
    func idempotencyKey() throws -> String? {
        guard let raw = headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...200).contains(raw.utf8.count), raw.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem.badRequest("Idempotency-Key: 1–200 sichtbare ASCII-Zeichen / invalid idempotency key", field: "Idempotency-Key")
        }
        return raw
    }
}

extension LotseRequestContext {
    func hospitalID() throws -> HospitalID {
        let raw = try parameters.require("id")
        guard let id = HospitalID(raw) else { throw Problem.badRequest("Klinik-ID „\(raw)“ ungültig", field: "id") }
        return id
    }

    func resourceKey() throws -> ResourceKey {
        let raw = try parameters.require("resource")
        guard let k = ResourceKey(rawValue: raw) else {
            throw Problem.notFound("Ressource „\(raw)“ unbekannt; erlaubt: \(ResourceKey.all.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }
}
