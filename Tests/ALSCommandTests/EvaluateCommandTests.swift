import Foundation
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand

@Suite("als evaluate: the model against the baselines")
struct EvaluateCommandTests {
    /// Trains a small explicit model on the tiny split through `als tune` and saves it.
    func model(_ s: TinySplit, extra: [String] = []) throws -> String {
        let path = s.path("m-\(extra.count).als")
        _ = try TuneCommand.parse([s.train, "--mode", "explicit", "--biases", "--factors", "2", "--iterations", "3",
                                   "--threads", "1", "--grid", "regularization=1", "--quiet", "--save-model", path] + extra).report()
        return path
    }

    @Test("one row per system and metric: rating metrics for the rating baselines, ranking metrics at K")
    func table() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let evaluate = try EvaluateCommand.parse([try model(s), "--train", s.train, "--test", s.test, "--k", "5", "--quiet",
                                                  "--report", s.path("report.md")])
        let (table, notes) = try evaluate.evaluate()
        #expect(table.columns == ["system", "metric", "K", "value"])
        let rating = table.rows.filter { $0[2].isEmpty }, ranking = table.rows.filter { !$0[2].isEmpty }
        #expect(rating.map { $0[0] } == ["model", "model", "global mean", "global mean", "item bias", "item bias", "user + item bias", "user + item bias"])
        #expect(Set(rating.map { $0[1] }) == ["RMSE", "MAE"])
        #expect(ranking.count == 3 * 7 && ranking.allSatisfy { $0[2] == "5" })
        #expect(Set(ranking.map { $0[0] }) == ["model", "popularity", "random"])
        #expect(table.rows.allSatisfy { Double($0[3]) != nil })
        // The rows agree with the library on the same data.
        let split = try SplitFiles.load(train: s.train, test: s.test)
        let mean = evaluateRatings(test: split.test, predictor: BaselinePredictor.globalMean(split.train))
        #expect(table.rows.contains { $0 == ["global mean", "RMSE", "", fixed(mean.rmse)] })
        #expect(notes.contains { $0.hasPrefix("model: explicit ALS") })
        // Pretty output: a header, a rule and one line per row; the Markdown report too.
        let pretty = table.render(.pretty).split(separator: "\n")
        #expect(pretty.count == 2 + table.rows.count && pretty[1].hasPrefix("------"))
        try evaluate.run()
        let report = try String(contentsOfFile: s.path("report.md"), encoding: .utf8)
        #expect(report.contains("| system ") && report.contains("| popularity ") && report.hasPrefix("# Evaluation of "))
        #expect(table.render(.csv).split(separator: "\n").count == 1 + table.rows.count)
    }

    @Test("ids the model does not know are counted, and ±1 data adds sign accuracy")
    func unknownIDsAndSigns() throws {
        let s = try TinySplit()
        defer { s.remove() }
        try (try String(contentsOfFile: s.test, encoding: .utf8) + "999\t500\t4\n100\t999\t2\n").write(toFile: s.test, atomically: true, encoding: .utf8)
        let (_, notes) = try EvaluateCommand.parse([try model(s), "--train", s.train, "--test", s.test, "--quiet"]).evaluate()
        #expect(notes.contains("the split has 1 users and 1 items the model does not know; 2 of \(try String(contentsOfFile: s.test, encoding: .utf8).split(separator: "\n").count) test entries involve them"))
        let signed = try model(s, extra: ["--binarize-threshold", "4"])
        let (table, _) = try EvaluateCommand.parse([signed, "--train", s.train, "--test", s.test, "--binarize-threshold", "4", "--quiet"]).evaluate()
        #expect(table.rows.filter { $0[1] == "sign accuracy" }.count == 4)
    }
}
