import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSPlot

/// The elements of an SVG document, in document order, parsed by Foundation's XML parser (so
/// the document must be well-formed XML to get here).
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text = "" }
    var elements: [Element] = []
    private var open: [Int] = []

    static func parse(_ svg: String) throws -> [Element] {
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = SVGElements()
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? ALSError.invariantViolation("SVG does not parse") }
        return delegate.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let j = open.last { elements[j].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}

extension [SVGElements.Element] {
    func withClass(_ c: String) -> [SVGElements.Element] { filter { $0.attributes["class"] == c } }
    var texts: [String] { filter { $0.name == "text" }.map(\.text) }
}

@Suite("SVG charts: document structure, scales and ticks")
struct PlotTests {
    @Test("nice ticks: 1, 2 or 5 times a power of ten covering the data; log ticks at powers of ten")
    func ticks() {
        let linear = PlotScale(covering: [0.13, 0.87], tickCount: 6)
        #expect(linear.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1] && linear.lower == 0 && linear.upper == 1)
        #expect(linear.ticks.map(linear.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let big = PlotScale(covering: [1200, 9800], tickCount: 5)
        #expect(big.ticks == [0, 5000, 10000] && big.label(5000) == "5k")
        let log = PlotScale(covering: [3, 2000], kind: .log10)
        #expect(log.ticks == [1, 10, 100, 1000, 10000] && log.ticks.map(log.label) == ["1", "10", "100", "1k", "10k"])
        #expect(abs(log.fraction(100) - 0.5) < 1e-12)
        // A constant series still gets a range.
        let flat = PlotScale(covering: [2, 2])
        #expect(flat.lower < 2 && flat.upper > 2)
    }

    @Test("a line chart is well-formed SVG with axes, ticks, labels, a legend and one polyline per series")
    func lineChart() throws {
        let loss = (1 ... 10).map { (x: Double($0), y: 100 / Double($0)) }
        let metric = [(x: 1.0, y: 0.1), (x: 2, y: 0.2), (x: 4, y: 0.25), (x: 10, y: 0.3)]
        let chart = LineChart(title: "Loss & <metric>", xLabel: "iteration", yLabel: "value", series: [
            .init(name: "training loss", points: loss), .init(name: "validation ndcg@10", points: metric, markers: true),
        ])
        let svg = chart.svg(width: 600, height: 400)
        let e = try SVGElements.parse(svg)
        #expect(e.first?.name == "svg" && e.first?.attributes["width"] == "600" && e.first?.attributes["height"] == "400")
        #expect(e.withClass("axis").count == 2)
        let lines = e.withClass("series")
        #expect(lines.count == 2)
        let pts = lines.map { $0.attributes["points"]!.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } } }
        #expect(pts[0].count == 10 && pts[1].count == 4)
        // Larger x is further right; larger y is higher up (smaller pixel y); everything is inside the canvas.
        #expect(zip(pts[0], pts[0].dropFirst()).allSatisfy { $0[0] < $1[0] && $0[1] < $1[1] })
        #expect(zip(pts[1], pts[1].dropFirst()).allSatisfy { $0[0] < $1[0] && $0[1] > $1[1] })
        #expect(pts.joined().allSatisfy { (0 ... 600).contains($0[0]) && (0 ... 400).contains($0[1]) })
        #expect(e.withClass("marker").count == 4)
        // Tick labels are the nice values; the title is escaped and reads back intact.
        let ticks = e.withClass("tick-label").map(\.text)
        #expect(ticks.contains("0") && ticks.contains("100") && ticks.contains("10"))
        #expect(e.withClass("title").first?.text == "Loss & <metric>")
        #expect(e.withClass("axis-label").map(\.text) == ["iteration", "value"])
        #expect(e.withClass("legend-label").map(\.text) == ["training loss", "validation ndcg@10"])
        #expect(e.withClass("legend-line").count == 2)
    }

    @Test("a log-scale chart places the ticks' powers of ten evenly")
    func logChart() throws {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", points: [(1, 1), (2, 10), (3, 100)])])
        chart.yScale = .log10
        let e = try SVGElements.parse(chart.svg())
        let p = e.withClass("series")[0].attributes["points"]!.split(separator: " ").map { Double($0.split(separator: ",")[1])! }
        #expect(abs((p[0] - p[1]) - (p[1] - p[2])) < 0.02)
    }

    @Test("a scatter chart draws every point coloured by value, with a colour bar and its label")
    func scatter() throws {
        var points: [(x: Double, y: Double, value: Double)] = []
        for j in 0 ..< 50 { points.append((Double(j), Double(j % 7), Double(j + 1))) }
        var chart = ScatterChart(title: "PCA", xLabel: "PC1 (60.0% of variance)", yLabel: "PC2 (20.0% of variance)",
                                 colorLabel: "train interactions (log scale)", points: points)
        chart.colorScale = .log10
        let e = try SVGElements.parse(chart.svg())
        let dots = e.withClass("point")
        #expect(dots.count == 50)
        // Drawn low value first; the lowest is darkest purple, the highest near yellow.
        #expect(dots.first?.attributes["fill"] == Palette.viridis(0))
        #expect(Set(dots.map { $0.attributes["fill"]! }).count > 10)
        #expect(e.withClass("colorbar").count == 1 && e.contains { $0.name == "linearGradient" })
        #expect(e.withClass("axis-label").map(\.text).contains("train interactions (log scale)"))
        #expect(e.withClass("axis-label").map(\.text).contains("PC1 (60.0% of variance)"))
    }

    @Test("regression: a scatter chart drew an empty legend box for its unnamed frame series")
    func scatterHasNoEmptyLegend() throws {
        let chart = ScatterChart(title: "PCA", xLabel: "PC1", yLabel: "PC2", colorLabel: "norm",
                                 points: [(0, 0, 1), (1, 2, 3)])
        let e = try SVGElements.parse(chart.svg())
        #expect(e.withClass("legend").isEmpty)
        #expect(e.withClass("legend-label").isEmpty)
    }

    @Test("coordinates keep two decimals; viridis ends at its stops")
    func formatting() {
        #expect(SVGDocument.number(12) == "12" && SVGDocument.number(-0.254) == "-0.25" && SVGDocument.number(3.1) == "3.1")
        #expect(SVGDocument.number(0.05) == "0.05" && SVGDocument.escape("a<b&\"c\"") == "a&lt;b&amp;&quot;c&quot;")
        #expect(Palette.viridis(0) == "#440154" && Palette.viridis(1) == "#fde725" && Palette.viridis(2) == "#fde725")
    }
}
