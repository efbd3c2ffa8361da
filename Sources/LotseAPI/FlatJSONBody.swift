/// A request body that is a JSON object of string fields only (`{"status":"limited"}`), read without `JSONDecoder`:
/// the status report is the most frequent write, and `JSONDecoder` spent ≈ 18 µs of the ≈ 160 µs of server CPU per
/// update on its 20 bytes (issue 16). `decodeStrict` tries this first; whatever it does not accept exactly —
/// another shape, an escape, a duplicate or unknown key, a value the type refuses — goes the `JSONDecoder` way, so
/// every refusal keeps its one answer.
protocol FlatJSONBody: StrictBody {
    /// The body from its fields, or nil when they are not exactly what the type accepts (then decoded the long way).
    init?(flatFields: [String: String])
}

enum FlatJSONObject {
    /// The fields of a JSON object whose values are all strings without escapes, or nil for anything else (other
    /// value types, escapes, control characters, invalid UTF-8, a key twice, trailing bytes).
    static func fields(_ bytes: UnsafeRawBufferPointer) -> [String: String]? {
        var i = 0
        let n = bytes.count
        func skipSpace() {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }
        func string() -> String? {
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < n, bytes[i] != UInt8(ascii: "\"") {
                // An escape or a control character: the long way (JSONDecoder decides what it means or refuses it).
                if bytes[i] == UInt8(ascii: "\\") || bytes[i] < 0x20 { return nil }
                i += 1
            }
            guard i < n else { return nil }
            let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            i += 1
            return text
        }
        var fields: [String: String] = [:]
        skipSpace()
        guard i < n, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipSpace()
        if i < n, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                guard let value = string(), fields.updateValue(value, forKey: key) == nil else { return nil }
                skipSpace()
                guard i < n else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "}") else { return nil }
                i += 1
                break
            }
        }
        skipSpace()
        return i == n ? fields : nil
    }
}
