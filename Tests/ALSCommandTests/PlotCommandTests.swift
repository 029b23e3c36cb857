import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand

/// Names and attributes of the elements of an XML document that must parse.
final class XMLElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    static func parse(file: String) throws -> [(name: String, attributes: [String: String])] {
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: file)))
        let delegate = XMLElements()
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return delegate.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
    }
}

@Suite("als plot: convergence chart and PCA map as SVG")
struct PlotCommandTests {
    @Test("loss: one loss per iteration, the validation metric at 1, 2, 4 and the last iteration")
    func loss() throws {
        let s = try TinySplit()
        defer { s.remove() }
        #expect(PlotLossCommand.checkpoints(6) == [1, 2, 4, 6] && PlotLossCommand.checkpoints(8) == [1, 2, 4, 8])
        let out = try PlotLossCommand.parse([s.train, "--mode", "explicit", "--biases", "--factors", "2", "--iterations", "6",
                                             "--threads", "1", "--output", s.path("loss.svg")]).report()
        let rows = out.split(separator: "\n").dropFirst(2).filter { !$0.hasPrefix("wrote") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.count == 6 && rows.map { $0[0] } == ["1", "2", "3", "4", "5", "6"])
        #expect(rows.filter { $0.count == 3 }.map { $0[0] } == ["1", "2", "4", "6"])
        // Explicit ALS never increases its objective.
        let losses = rows.map { Double($0[1])! }
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-6) })
        let svg = try XMLElements.parse(file: s.path("loss.svg"))
        let series = svg.filter { $0.attributes["class"] == "series" }.map { $0.attributes["points"]!.split(separator: " ").count }
        #expect(series == [6, 4])
        #expect(svg.filter { $0.attributes["class"] == "axis" }.count == 4)
        #expect(svg.filter { $0.attributes["class"] == "legend" }.count == 2)
    }

    @Test("embeddings: one point per item, coloured by train count with --train, else by norm")
    func embeddings() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let model = s.path("m.als")
        _ = try TuneCommand.parse([s.train, "--mode", "implicit", "--factors", "4", "--iterations", "3", "--threads", "1",
                                   "--grid", "regularization=1", "--quiet", "--save-model", model]).report()
        let out = try PlotEmbeddingsCommand.parse([model, "--train", s.train, "--output", s.path("e.svg")]).report()
        #expect(out.hasPrefix("explained variance: PC1 0.") && out.contains("colour: train interactions"))
        let svg = try XMLElements.parse(file: s.path("e.svg"))
        #expect(svg.filter { $0.attributes["class"] == "point" }.count == 20)
        #expect(svg.filter { $0.attributes["class"] == "colorbar" }.count == 1)
        let byNorm = try PlotEmbeddingsCommand.parse([model, "--output", s.path("n.svg"), "--max-points", "10"]).report()
        #expect(byNorm.contains("colour: factor norm"))
        #expect(try XMLElements.parse(file: s.path("n.svg")).filter { $0.attributes["class"] == "point" }.count == 10)
    }
}
