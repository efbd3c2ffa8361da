/// A small writer of XML text: elements in order, text escaped, no pretty printing beyond one element per line.
struct XMLWriter {
    private(set) var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    private var open: [String] = []

    /// Opens `name` with attributes (in the given order), runs `body`, closes it.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], _ body: (inout XMLWriter) -> Void) {
        indent()
        text += "<" + name
        for (k, v) in attributes { text += " \(k)=\"\(Self.escape(v))\"" }
        text += ">\n"
        open.append(name)
        body(&self)
        open.removeLast()
        indent()
        text += "</\(name)>\n"
    }

    /// `<name>value</name>`, the value escaped.
    mutating func leaf(_ name: String, _ value: String, _ attributes: [(String, String)] = []) {
        indent()
        text += "<" + name
        for (k, v) in attributes { text += " \(k)=\"\(Self.escape(v))\"" }
        text += ">\(Self.escape(value))</\(name)>\n"
    }

    private mutating func indent() { text += String(repeating: "  ", count: open.count) }

    /// Text for element content and attribute values: `&`, `<`, `>`, quotes escaped; characters XML 1.0 does not
    /// allow (control characters other than tab and line breaks) left out.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
