@_spi(Engine) import ALS
/// A scatter plot whose points are coloured by a value (viridis, low purple to high yellow),
/// with axes, ticks, labels, a title and a colour bar naming the value.
public struct ScatterChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// What the colour shows, written beside the colour bar.
    public var colorLabel: String
    public var points: [(x: Double, y: Double, value: Double)]
    /// How values map to colours (log10 for counts spanning decades).
    public var colorScale: PlotScale.Kind = .linear
    public var radius: Double = 2.2

    public init(title: String, xLabel: String, yLabel: String, colorLabel: String,
                points: [(x: Double, y: Double, value: Double)]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorLabel = colorLabel
        self.points = points
    }

    public func svg(width: Double = 760, height: Double = 600) -> String {
        var doc = SVGDocument(width: width, height: height)
        let barSpace = 96.0
        let frame = LineChart(title: title, xLabel: xLabel, yLabel: yLabel, series: [])
        // The axes, ticks and labels are the line chart's, drawn over the same point cloud.
        var axes = frame
        axes.series = [LineChart.Series(name: "", points: points.map { (x: $0.x, y: $0.y) }, color: "none")]
        axes.draw(into: &doc, x: 0, y: 0, width: width - barSpace, height: height)
        // Redraw the points coloured, low values first so the rare high ones stay visible.
        let m = LineChart.margin
        let left = m.left, right = width - barSpace - m.right, top = m.top, bottom = height - m.bottom
        let xs = PlotScale(covering: points.map(\.x), tickCount: 8)
        let ys = PlotScale(covering: points.map(\.y), tickCount: 6)
        let cs = PlotScale(covering: points.map(\.value), kind: colorScale, tickCount: 5)
        for p in points.sorted(by: { $0.value < $1.value }) where p.x.isFinite && p.y.isFinite {
            let t = colorScale == .log10 && !(p.value > 0) ? 0 : cs.fraction(p.value)
            doc.circle(cx: xs.map(p.x, from: left, to: right), cy: ys.map(p.y, from: bottom, to: top), r: radius,
                       fill: Palette.viridis(t), opacity: 0.8, class: "point")
        }
        // Colour bar.
        let bx = width - barSpace + 14, bw = 16.0
        doc.linearGradient(id: "colorbar", stops: (0 ... 8).map { (Double($0) / 8, Palette.viridis(Double($0) / 8)) }, vertical: true)
        doc.rect(x: bx, y: top, width: bw, height: bottom - top, fill: "url(#colorbar)", stroke: "#888", class: "colorbar")
        for t in cs.ticks {
            let py = cs.map(t, from: bottom, to: top)
            doc.line(x1: bx + bw, y1: py, x2: bx + bw + 4, y2: py, stroke: "#333", class: "tick")
            doc.text(cs.label(t), x: bx + bw + 7, y: py + 4, size: 11, class: "tick-label")
        }
        doc.text(colorLabel, x: width - 10, y: (top + bottom) / 2, size: 12, anchor: "middle", rotate: -90, class: "axis-label")
        return doc.rendered
    }
}
