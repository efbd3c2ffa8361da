import Foundation
import LotseDemand

/// Small self-contained SVG charts for the report (no scripts, no external assets). Each chart carries a
/// `<title>` and an `aria-label`, so a screen reader announces what it shows.
enum SVGChart {
    struct Series {
        let name: String
        let values: [Double]
    }

    static let palette = ["#1f5fa8", "#c0392b", "#2e8540", "#8e44ad", "#b9770e"]
    static let width = 720.0, height = 260.0, left = 56.0, right = 16.0, top = 28.0, bottom = 40.0

    /// Lines over a shared x axis (index 0…n-1), with x labels every `labelEvery` points.
    static func lines(title: String, series: [Series], xLabels: [String], labelEvery: Int, yUnit: String, yMax: Double? = nil) -> String {
        let n = series.map(\.values.count).max() ?? 0
        let maxY = yMax ?? max(1e-9, series.flatMap(\.values).max() ?? 1) * 1.08
        var body = axes(maxY: maxY, yUnit: yUnit)
        for (i, label) in xLabels.enumerated() where i % max(1, labelEvery) == 0 && n > 1 {
            let x = left + (width - left - right) * Double(i) / Double(n - 1)
            body += text(x, height - bottom + 16, label, anchor: "middle")
        }
        for (si, s) in series.enumerated() where s.values.count > 1 {
            let pts = s.values.enumerated().map { i, v in
                "\(fmt(left + (width - left - right) * Double(i) / Double(n - 1))),\(fmt(y(v, maxY)))"
            }.joined(separator: " ")
            body += "<polyline fill=\"none\" stroke=\"\(palette[si % palette.count])\" stroke-width=\"1.6\" points=\"\(pts)\"/>"
        }
        return svg(title: title, body: body + legend(series.map(\.name)))
    }

    /// Grouped bars: one group per label, one bar per series.
    static func bars(title: String, labels: [String], series: [Series], yUnit: String) -> String {
        let maxY = max(1e-9, series.flatMap(\.values).max() ?? 1) * 1.1
        var body = axes(maxY: maxY, yUnit: yUnit)
        let groupW = (width - left - right) / Double(max(1, labels.count))
        let barW = groupW * 0.8 / Double(max(1, series.count))
        for (gi, label) in labels.enumerated() {
            let gx = left + groupW * Double(gi) + groupW * 0.1
            for (si, s) in series.enumerated() where gi < s.values.count {
                let v = s.values[gi]
                let x = gx + barW * Double(si)
                body += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y(v, maxY)))\" width=\"\(fmt(max(1, barW - 1)))\" height=\"\(fmt(y(0, maxY) - y(v, maxY)))\" fill=\"\(palette[si % palette.count])\"><title>\(esc(s.name)) \(esc(label)): \(fmtValue(v))</title></rect>"
            }
            if labels.count <= 24 || gi % (labels.count / 12 + 1) == 0 {
                body += text(gx + groupW * 0.4, height - bottom + 16, label, anchor: "middle")
            }
        }
        return svg(title: title, body: body + (series.count > 1 ? legend(series.map(\.name)) : ""))
    }

    static func axes(maxY: Double, yUnit: String) -> String {
        var s = ""
        for i in 0...4 {
            let v = maxY * Double(i) / 4
            let yy = y(v, maxY)
            s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(yy))\" y2=\"\(fmt(yy))\" stroke=\"#d0d4da\" stroke-width=\"1\"/>"
            s += text(left - 6, yy + 4, fmtValue(v), anchor: "end")
        }
        s += text(4, top - 10, yUnit, anchor: "start")
        return s
    }

    static func legend(_ names: [String]) -> String {
        var s = ""
        var x = left + 40
        for (i, n) in names.enumerated() {
            s += "<rect x=\"\(fmt(x))\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(palette[i % palette.count])\"/>"
            s += text(x + 16, 16, n, anchor: "start")
            x += 24 + Double(n.count) * 6.4
        }
        return s
    }

    static func y(_ v: Double, _ maxY: Double) -> Double { top + (height - top - bottom) * (1 - v / maxY) }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"#1b1f24\">\(esc(s))</text>"
    }

    static func svg(title: String, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>\(body)</svg>"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func fmtValue(_ v: Double) -> String {
        if v >= 10_000 { return de("%.0fk", v / 1000) }
        if v >= 100 || v == v.rounded() { return de("%.0f", v) }
        if v >= 1 { return de("%.1f", v) }
        return de("%.3f", v)
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// A number formatted for German readers: `String(format:)` with a decimal comma.
func de(_ format: String, _ args: any CVarArg...) -> String {
    String(format: format, arguments: args).replacingOccurrences(of: ".", with: ",")
}
