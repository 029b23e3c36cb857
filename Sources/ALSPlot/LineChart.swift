@_spi(Engine) import ALS
/// A line chart: one or more series over shared axes, with ticks, grid lines, axis labels, a
/// title and a legend. Draws into a frame of an `SVGDocument`, so several charts can share one
/// figure (`svg(width:height:)` draws a chart alone).
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// A CSS colour; nil takes the next colour of `Palette.categorical`.
        public var color: String?
        public var dashed: Bool
        /// Draw a dot at every point (for sparse series such as log-spaced retrains).
        public var markers: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil, dashed: Bool = false,
                    markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var xScale: PlotScale.Kind = .linear
    public var yScale: PlotScale.Kind = .linear

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart alone as an SVG document.
    public func svg(width: Double = 720, height: Double = 440) -> String {
        var doc = SVGDocument(width: width, height: height)
        draw(into: &doc, x: 0, y: 0, width: width, height: height)
        return doc.rendered
    }

    /// Margins around the plot area: room for the title, tick labels and axis labels.
    static let margin = (left: 78.0, right: 20.0, top: 34.0, bottom: 52.0)

    public func draw(into doc: inout SVGDocument, x: Double, y: Double, width: Double, height: Double) {
        let m = Self.margin
        let left = x + m.left, right = x + width - m.right, top = y + m.top, bottom = y + height - m.bottom
        let xs = PlotScale(covering: series.flatMap { $0.points.map(\.x) }, kind: xScale, tickCount: 8)
        let ys = PlotScale(covering: series.flatMap { $0.points.map(\.y) }, kind: yScale, tickCount: 6)
        doc.text(title, x: (left + right) / 2, y: y + 20, size: 15, anchor: "middle", weight: "bold", class: "title")
        for t in xs.ticks {
            let px = xs.map(t, from: left, to: right)
            doc.line(x1: px, y1: top, x2: px, y2: bottom, stroke: "#e5e5e5", class: "grid")
            doc.line(x1: px, y1: bottom, x2: px, y2: bottom + 5, stroke: "#333", class: "tick")
            doc.text(xs.label(t), x: px, y: bottom + 19, size: 11, anchor: "middle", class: "tick-label")
        }
        for t in ys.ticks {
            let py = ys.map(t, from: bottom, to: top)
            doc.line(x1: left, y1: py, x2: right, y2: py, stroke: "#e5e5e5", class: "grid")
            doc.line(x1: left - 5, y1: py, x2: left, y2: py, stroke: "#333", class: "tick")
            doc.text(ys.label(t), x: left - 8, y: py + 4, size: 11, anchor: "end", class: "tick-label")
        }
        doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#333", width: 1.2, class: "axis")
        doc.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#333", width: 1.2, class: "axis")
        doc.text(xLabel, x: (left + right) / 2, y: bottom + 40, size: 12, anchor: "middle", class: "axis-label")
        doc.text(yLabel, x: x + 18, y: (top + bottom) / 2, size: 12, anchor: "middle", rotate: -90, class: "axis-label")

        var drawn: [[(x: Double, y: Double)]] = []
        for (j, s) in series.enumerated() {
            let color = s.color ?? Palette.categorical[j % Palette.categorical.count]
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite && (yScale == .linear || $0.y > 0) }
                .map { (x: xs.map($0.x, from: left, to: right), y: ys.map($0.y, from: bottom, to: top)) }
            if pts.count > 1 { doc.polyline(pts, stroke: color, width: 2, dash: s.dashed ? "6 4" : nil, class: "series") }
            if s.markers || pts.count == 1 {
                for p in pts { doc.circle(cx: p.x, cy: p.y, r: 3.5, fill: color, class: "marker") }
            }
            drawn.append(pts)
        }
        drawLegend(into: &doc, plot: (left, right, top, bottom), avoiding: drawn)
    }

    /// The legend: a box in the corner of the plot area that the lines cross least (top right
    /// first), one line sample and name a series. Series without a name (a scatter chart's
    /// axes-only frame) get no row; with no named series there is no legend.
    private func drawLegend(into doc: inout SVGDocument, plot: (left: Double, right: Double, top: Double, bottom: Double),
                            avoiding lines: [[(x: Double, y: Double)]]) {
        let named = series.enumerated().filter { !$0.element.name.isEmpty }
        guard !named.isEmpty else { return }
        let rowHeight = 18.0
        let textWidth = Double(named.map(\.element.name.count).max() ?? 0) * 6.6
        let w = 44 + textWidth, h = Double(named.count) * rowHeight + 8
        // Points along every segment, ten per segment, stand for the lines.
        var samples: [(x: Double, y: Double)] = []
        for pts in lines {
            samples += pts
            for (a, b) in zip(pts, pts.dropFirst()) {
                for t in 1 ..< 10 { samples.append((a.x + (b.x - a.x) * Double(t) / 10, a.y + (b.y - a.y) * Double(t) / 10)) }
            }
        }
        let corners = [(plot.right - w - 8, plot.top + 8), (plot.left + 8, plot.top + 8),
                       (plot.right - w - 8, plot.bottom - h - 8), (plot.left + 8, plot.bottom - h - 8)]
        let crossings = corners.map { c in
            samples.filter { $0.x >= c.0 - 4 && $0.x <= c.0 + w + 4 && $0.y >= c.1 - 4 && $0.y <= c.1 + h + 4 }.count
        }
        let (x0, y0) = corners[crossings.indices.min { crossings[$0] < crossings[$1] }!]
        doc.rect(x: x0, y: y0, width: w, height: h, fill: "#fff", stroke: "#bbb", class: "legend")
        for (row, (j, s)) in named.enumerated() {
            let color = s.color ?? Palette.categorical[j % Palette.categorical.count]
            let cy = y0 + 4 + rowHeight * (Double(row) + 0.5)
            doc.line(x1: x0 + 8, y1: cy, x2: x0 + 32, y2: cy, stroke: color, width: 2, dash: s.dashed ? "6 4" : nil, class: "legend-line")
            if s.markers { doc.circle(cx: x0 + 20, cy: cy, r: 3.5, fill: color) }
            doc.text(s.name, x: x0 + 38, y: cy + 4, size: 11, class: "legend-label")
        }
    }
}

/// The colours of the charts.
public enum Palette {
    /// Ten distinguishable colours for series (Tableau 10).
    public static let categorical = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                     "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    /// Viridis at nine evenly spaced stops: perceptually uniform and readable in grey and by
    /// colour-blind readers, for values from low (purple) to high (yellow).
    public static let viridis: [(r: Double, g: Double, b: Double)] = [
        (68, 1, 84), (71, 45, 123), (59, 82, 139), (44, 114, 142), (33, 145, 140),
        (40, 174, 128), (94, 201, 98), (173, 220, 48), (253, 231, 37),
    ]

    /// The viridis colour at `t` in `0 ... 1` (clamped), interpolated between the stops, as `#rrggbb`.
    public static func viridis(_ t: Double) -> String {
        let u = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridis.count - 1)
        let i = min(Int(u), viridis.count - 2), f = u - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func hex(_ x: Double, _ y: Double) -> String {
            let v = Int((x + (y - x) * f).rounded())
            let digits = "0123456789abcdef".map { $0 }
            return String(digits[v / 16]) + String(digits[v % 16])
        }
        return "#" + hex(a.r, b.r) + hex(a.g, b.g) + hex(a.b, b.b)
    }
}
