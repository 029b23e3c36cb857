import Foundation
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand
import ALSTuning

/// A scratch folder with a tiny ratings split: 30 users × 20 items, ratings 1–5 from a fixed
/// pattern, about two thirds of the cells filled; test holds every fourth filled cell.
struct TinySplit {
    let dir: URL
    var train: String { dir.appendingPathComponent("train.tsv").path }
    var test: String { dir.appendingPathComponent("test.tsv").path }
    var all: String { dir.appendingPathComponent("all.tsv").path }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("als-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var train = "", test = "", all = "", n = 0
        for u in 0 ..< 30 {
            for i in 0 ..< 20 where (u + 2 * i) % 3 != 0 {
                let line = "\(100 + u)\t\(500 + i)\t\(1 + (u * 7 + i * 3 + (u / 10) * i) % 5)"
                all += line + "\t\(1_000_000 + n)\n"
                if n % 4 == 3 { test += line + "\n" } else { train += line + "\n" }
                n += 1
            }
        }
        try train.write(toFile: self.train, atomically: true, encoding: .utf8)
        try test.write(toFile: self.test, atomically: true, encoding: .utf8)
        try all.write(toFile: self.all, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

@Suite("als tune: grid on a validation split, results table, best configuration, refit on test")
struct TuneCommandTests {
    @Test("a two-point grid prints its table, marks one best, saves it, refits and scores test")
    func explicitGrid() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let tune = try TuneCommand.parse([
            s.train, "--test", s.test, "--mode", "explicit", "--biases", "--factors", "2", "--iterations", "3", "--threads", "1",
            "--grid", "regularization=0.1,10", "--metric", "rmse", "--clamp", "1,5", "--quiet", "--save-best", s.path("best.json"),
            "--save-model", s.path("m.als"),
        ])
        let lines = try tune.report().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true) == ["regularization", "rmse", "seconds", "best"])
        let rows = lines[2 ..< 4].map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0[0] } == ["0.1", "10"])
        #expect(rows.filter { $0.last == "*" }.count == 1)
        let bestRow = rows.first { $0.last == "*" }!
        // The starred row has the lower validation RMSE.
        let rmses = rows.map { Double($0[1])! }
        #expect(Double(bestRow[1])! == rmses.min()!)
        #expect(lines.contains { $0.hasPrefix("validation: 20% of each user's train interactions (seed 1)") })
        #expect(lines.contains { $0.hasPrefix("best: regularization=\(bestRow[0]) (validation rmse \(bestRow[1]))") })
        let test = lines.first { $0.hasPrefix("test: RMSE ") }!
        #expect(test.hasSuffix("(\(try String(contentsOfFile: s.test, encoding: .utf8).split(separator: "\n").count) ratings)"))
        // The saved configuration is the best point on top of the flags.
        let best = try JSONDecoder().decode(ALSConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: s.path("best.json"))))
        #expect(best.regularization == Float(bestRow[0])! && best.factors == 2 && best.biases && best.mode == .explicit)
        let model = try ALSModel.load(from: URL(fileURLWithPath: s.path("m.als")))
        #expect(model.configuration == best)
    }

    @Test("csv and json formats; implicit mode with a ranking metric")
    func formats() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let args = [s.train, "--test", s.test, "--mode", "implicit", "--factors", "2", "--iterations", "2", "--threads", "1",
                    "--grid", "regularization=1,10", "--grid", "alpha=1,5", "--metric", "ndcg@5", "--quiet"]
        let csv = try TuneCommand.parse(args + ["--format", "csv"]).report().split(separator: "\n").map(String.init)
        #expect(csv.count == 5 && csv[0] == "regularization,alpha,ndcg@5,seconds,best")
        #expect(csv[1].hasPrefix("1,1,") && csv[4].hasPrefix("10,5,"))
        let json = try TuneCommand.parse(args + ["--format", "json"]).report()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let trials = try #require(object["trials"] as? [[String: Any]])
        #expect(trials.count == 4 && (trials[0]["configuration"] as? [String: Any])?["alpha"] as? Double == 1)
        #expect((object["test"] as? [String: Any])?["ndcg@5"] is Double)
        let pretty = try TuneCommand.parse(args).report()
        #expect(pretty.contains("test: NDCG@5 ") && pretty.contains("Recall@5 ") && pretty.contains("(30 users)"))
    }

    @Test("bad flags are refused before anything runs")
    func validation() {
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--grid", "lambda=1"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--grid", "factors=1.5"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--metric", "ndcg@0"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--validation-fraction", "1"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--clamp", "5,1"]) }
    }

    /// The tiny split as 0/1 interactions, with a second test file that differs from the first.
    func implicitSplit() throws -> (TinySplit, String) {
        let s = try TinySplit()
        let other = s.path("other-test.tsv")
        let lines = try String(contentsOfFile: s.test, encoding: .utf8).split(separator: "\n")
        try (lines.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element + "\n" }.joined()).write(toFile: other, atomically: true, encoding: .utf8)
        return (s, other)
    }

    @Test("the automatic search prints one JSON object with the winner, its figures and every trial")
    func automaticJSON() throws {
        let (s, _) = try implicitSplit()
        defer { s.remove() }
        let out = try TuneCommand.parse([s.train, "--test", s.test, "--metric", "ndcg@5", "--budget", "10m", "--threads", "1",
                                         "--iterations", "4", "--quiet", "--format", "json", "--save-best", s.path("best.json")]).report()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        for key in ["best", "validation", "test", "trials", "budget_seconds", "seconds"] { #expect(object[key] != nil, "missing \(key)") }
        let best = try #require(object["best"] as? [String: Any])
        for key in ["mode", "factors", "regularization", "regularizationExponent", "alpha", "confidence", "iterations", "solver"] {
            #expect(best[key] != nil, "best lacks \(key)")
        }
        #expect((object["validation"] as? [String: Any])?["ndcg@5"] is Double)
        let test = try #require(object["test"] as? [String: Any])
        for key in ["ndcg@5", "recall@5", "precision@5", "capped-recall@5", "map@5"] { #expect(test[key] is Double, "test lacks \(key)") }
        #expect(object["budget_seconds"] as? Double == 600 && (object["seconds"] as? Double ?? 999) <= 660)
        #expect((object["trials"] as? [[String: Any]])?.count ?? 0 > 10)
        // --save-best wrote the same winner; als train --config trains exactly it, and a flag overrides it.
        let saved = try JSONDecoder().decode(ALSConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: s.path("best.json"))))
        let train = try TrainCommand.parse([s.train, "--config", s.path("best.json"), "--output", s.path("m.als")])
        #expect(try train.training.configuration() == saved)
        let overridden = try TrainCommand.parse([s.train, "--config", s.path("best.json"), "--factors", "3", "--output", s.path("m.als")])
        var expected = saved
        expected.factors = 3
        #expect(try overridden.training.configuration() == expected)
    }

    @Test("the test file never influences the choice: another test file, the same winner and trials")
    func testNeverChooses() throws {
        let (s, other) = try implicitSplit()
        defer { s.remove() }
        func run(_ test: String) throws -> [String: Any] {
            let out = try TuneCommand.parse([s.train, "--test", test, "--metric", "ndcg@5", "--budget", "10m", "--threads", "1",
                                             "--iterations", "4", "--quiet", "--format", "json"]).report()
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        }
        let a = try run(s.test), b = try run(other)
        // Compared as canonical JSON text (sorted keys).
        func text(_ o: Any?) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: try #require(o), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        #expect(try text(a["best"]) == text(b["best"]))
        #expect(try text(a["validation"]) == text(b["validation"]))
        let configurations = { (o: [String: Any]) in try ((o["trials"] as? [[String: Any]]) ?? []).map { try text($0["configuration"]) } }
        #expect(try configurations(a) == configurations(b))
        // The test figures themselves do differ: the two test files are not the same.
        #expect(try text(a["test"]) != text(b["test"]))
    }

    /// Regression: a trial the deadline stopped before its first figure was printed as
    /// "failed" in the trial table, as if it had hit an error.
    @Test("tuneTableBudgetStopIsNotFailure: the table says cut for a trial stopped by the budget")
    func tuneTableBudgetStopIsNotFailure() {
        var outcome = TuneOutcome(metric: .ndcg(k: 10), budget: 60)
        let base = ALSConfiguration(mode: .implicit)
        for (value, failure) in [(0.25, nil), (nil, nil), (nil, AutoSearch.Trial.stoppedByBudget), (nil, "factorization failed")]
            as [(Double?, String?)] {
            outcome.trials.append(.init(number: outcome.trials.count + 1, phase: "placement", configuration: base,
                                        value: value, iterationsTrained: 3, seconds: 1, failure: failure))
        }
        let cells = outcome.table(metric: .ndcg(k: 10)).rows.map { $0[$0.count - 4] }
        #expect(cells == ["0.2500", "-", "cut", "failed"])
    }

    @Test("budgets parse as durations; --config is refused by tune")
    func budgets() throws {
        #expect(TuneCommand.seconds("90s") == 90 && TuneCommand.seconds("2m") == 120 && TuneCommand.seconds("1.5h") == 5400)
        #expect(TuneCommand.seconds("45") == 45 && TuneCommand.seconds("0") == nil && TuneCommand.seconds("soon") == nil)
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--budget", "-1m"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["x.tsv", "--config", "best.json"]) }
    }
}
