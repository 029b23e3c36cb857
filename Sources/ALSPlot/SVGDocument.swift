@_spi(Engine) import ALS
/// A minimal SVG 1.1 writer: shapes and text appended in paint order, attributes escaped,
/// coordinates written with at most two decimals (a hundredth of a pixel is below what any
/// renderer shows, and it keeps files small). No dependency beyond the standard library.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000",
                              width: Double = 1, dash: String? = nil, class name: String? = nil) {
        element("line", ["x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "stroke": stroke,
                         "stroke-width": n(width), "stroke-dasharray": dash, "class": name])
    }

    /// An open polyline through `points`.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2,
                                  dash: String? = nil, class name: String? = nil) {
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        element("polyline", ["points": list, "fill": "none", "stroke": stroke, "stroke-width": n(width),
                             "stroke-linejoin": "round", "stroke-dasharray": dash, "class": name])
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, opacity: Double? = nil,
                                stroke: String? = nil, class name: String? = nil) {
        element("circle", ["cx": n(cx), "cy": n(cy), "r": n(r), "fill": fill, "fill-opacity": opacity.map(n),
                           "stroke": stroke, "class": name])
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, class name: String? = nil) {
        element("rect", ["x": n(x), "y": n(y), "width": n(width), "height": n(height), "fill": fill,
                         "stroke": stroke, "class": name])
    }

    /// Text anchored at (x, y): `anchor` is start, middle or end; `rotate` turns it about the anchor.
    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                              rotate: Double? = nil, weight: String? = nil, class name: String? = nil) {
        let transform = rotate.map { "rotate(\(n($0)) \(n(x)) \(n(y)))" }
        element("text", ["x": n(x), "y": n(y), "font-size": n(size), "text-anchor": anchor, "transform": transform,
                         "font-weight": weight, "class": name], content: content)
    }

    /// A linear gradient definition, for colour bars.
    public mutating func linearGradient(id: String, stops: [(offset: Double, color: String)], vertical: Bool) {
        let s = stops.map { "<stop offset=\"\(n($0.offset))\" stop-color=\"\(Self.escape($0.color))\"/>" }.joined()
        let (x2, y2) = vertical ? ("0", "0") : ("1", "0")
        let y1 = vertical ? "1" : "0"
        body.append("<defs><linearGradient id=\"\(Self.escape(id))\" x1=\"0\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\">\(s)</linearGradient></defs>")
    }

    /// The document, ready to write to a `.svg` file.
    public var rendered: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#fff"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    private mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?>, content: String? = nil) {
        var s = "<" + name
        for (key, value) in attributes { if let value { s += " \(key)=\"\(Self.escape(value))\"" } }
        if let content { s += ">\(Self.escape(content))</\(name)>" } else { s += "/>" }
        body.append(s)
    }

    /// `s` with the five XML special characters escaped.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros ("12", "12.5", "-0.25").
    private func n(_ v: Double) -> String { Self.number(v) }

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let c = Int64((v * 100).rounded())
        let whole = abs(c) / 100, fraction = abs(c) % 100
        let sign = c < 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return sign + String(whole) + "." + digits
    }
}
