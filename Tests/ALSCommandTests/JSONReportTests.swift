import Foundation
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand

/// `--format json` of `als train`, `als inspect` and `als evaluate`: one object that parses,
/// with the documented keys, and figures that are JSON numbers rather than text.
@Suite("JSON reports: als train, als inspect, als evaluate")
struct JSONReportTests {
    /// Parses `text` as one JSON object.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not one object: \(text)")
    }

    /// True for a JSON number (not a string, not null). None of the keys checked holds a boolean.
    static func isNumber(_ value: Any?) -> Bool { value is NSNumber && !(value is String) }

    static func trainArguments(_ s: TinySplit, _ extra: [String]) -> [String] {
        ["train", s.train, "--output", s.path("m.als"), "--factors", "2", "--iterations", "3", "--threads", "1",
         "--regularization", "1", "--quiet"] + extra
    }

    @Test("als train --format json: configuration, one entry per iteration, final figures; --report writes the same object")
    func train() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let command = try #require(try ALSTool.parseAsRoot(
            Self.trainArguments(s, ["--format", "json", "--report", s.path("r.json")])) as? TrainCommand)
        let text = try command.train()
        let o = try Self.object(text)
        #expect(Set(o.keys) == ["file", "input_format", "configuration", "threads", "iterations", "rows", "columns",
                                "non_zeros", "final_loss", "load_seconds", "training_seconds", "seconds", "output", "npz"])
        for key in ["threads", "rows", "columns", "non_zeros", "final_loss", "load_seconds", "training_seconds", "seconds"] {
            #expect(Self.isNumber(o[key]), "\(key): \(String(describing: o[key]))")
        }
        #expect(o["rows"] as? Int == 30 && o["columns"] as? Int == 20)
        #expect(o["output"] as? String == s.path("m.als"))
        #expect(o["npz"] is NSNull)
        let iterations = try #require(o["iterations"] as? [[String: Any]])
        #expect(iterations.count == 3)
        #expect(iterations.map { $0["iteration"] as? Int } == [1, 2, 3])
        #expect(iterations.allSatisfy { Self.isNumber($0["loss"]) && Self.isNumber($0["seconds"]) && Self.isNumber($0["elapsed_seconds"]) })
        // The configuration is ALSConfiguration's own encoding: it decodes back to what was trained.
        let configuration = try JSONSerialization.data(withJSONObject: try #require(o["configuration"]))
        let decoded = try JSONDecoder().decode(ALSConfiguration.self, from: configuration)
        #expect(decoded.factors == 2 && decoded.iterations == 3 && decoded.regularization == 1 && decoded.mode == .implicit)
        #expect(try String(contentsOfFile: s.path("r.json"), encoding: .utf8) == text)
    }

    @Test("als train: text stays the default; --no-loss gives null losses")
    func trainText() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let text = try #require(try ALSTool.parseAsRoot(Self.trainArguments(s, [])) as? TrainCommand).train()
        #expect(text.hasPrefix("wrote \(s.path("m.als")): 30 users, 20 items, k = 2, final loss "))
        let json = try #require(try ALSTool.parseAsRoot(
            Self.trainArguments(s, ["--no-loss", "--report", s.path("r.json")])) as? TrainCommand).train()
        #expect(json.hasPrefix("wrote "))
        let o = try Self.object(try String(contentsOfFile: s.path("r.json"), encoding: .utf8))
        #expect(o["final_loss"] is NSNull)
        #expect((o["iterations"] as? [[String: Any]])?.allSatisfy { $0["loss"] is NSNull } == true)
    }

    @Test("als inspect --format json: shape, histogram and quantiles as numbers")
    func inspect() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let o = try Self.object(try InspectFixture.report(["inspect", s.all, "--format", "json", "--quiet", "--timing"]))
        #expect(Set(o.keys) == ["file", "format", "users", "items", "non_zeros", "density", "duplicates_merged", "timestamps",
                                "values", "per_user", "per_item", "skipped", "load_seconds", "load_mb_per_second", "memory_bytes"])
        #expect(o["users"] as? Int == 30 && o["items"] as? Int == 20 && o["format"] is String)
        for key in ["users", "items", "non_zeros", "density", "duplicates_merged", "load_seconds", "load_mb_per_second", "memory_bytes"] {
            #expect(Self.isNumber(o[key]), "\(key)")
        }
        let perUser = try #require(o["per_user"] as? [String: Any])
        #expect(Set(perUser.keys) == ["min", "p25", "p50", "p75", "p90", "p99", "max"] && perUser.values.allSatisfy(Self.isNumber))
        let values = try #require(o["values"] as? [[String: Any]])
        #expect(values.count == 5 && values.allSatisfy { Self.isNumber($0["count"]) && Self.isNumber($0["lower"]) })
        #expect((o["timestamps"] as? [String: Any])?["first"] as? Int == 1_000_000)
        #expect((o["skipped"] as? [String: Any])?["total"] as? Int == 0)
        // Without --timing the timing figures are null; the text report is unchanged by the flag's existence.
        let plain = try Self.object(try InspectFixture.report(["inspect", s.all, "--format", "json", "--quiet"]))
        #expect(plain["load_seconds"] is NSNull)
        #expect(try InspectFixture.report(["inspect", s.all, "--quiet"]).hasPrefix("file        \(s.all)\nformat      "))
    }

    @Test("als evaluate --format json: lower-case --metric keys, numbers, every baseline")
    func evaluate() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let model = try EvaluateCommandTests().model(s)
        let command = try EvaluateCommand.parse([model, "--train", s.train, "--test", s.test, "--k", "5", "--quiet", "--format", "json"])
        let o = try Self.object(try jsonReport(command.measure().report))
        #expect(Set(o.keys) == ["model", "train", "test", "k", "metrics", "baselines", "ranking_users", "test_entries",
                                "unknown_users", "unknown_items", "unknown_test_entries"])
        #expect(o["k"] as? Int == 5)
        let metrics = try #require(o["metrics"] as? [String: Any])
        #expect(Set(metrics.keys) == ["rmse", "mae", "ndcg@5", "recall@5", "capped-recall@5", "precision@5", "map@5",
                                      "hit-rate@5", "coverage@5"])
        #expect(metrics.values.allSatisfy(Self.isNumber))
        // Every key is a --metric name, save coverage.
        #expect(metrics.keys.filter { $0 != "coverage@5" }.allSatisfy { EvaluationMetric($0)?.description == $0 })
        let baselines = try #require(o["baselines"] as? [String: [String: Any]])
        #expect(Set(baselines.keys) == ["global_mean", "item_bias", "user_item_bias", "popularity", "random"])
        #expect(Set(baselines["global_mean"]?.keys ?? [:].keys) == ["rmse", "mae"])
        #expect(baselines["popularity"]?["ndcg@5"].map(Self.isNumber) == true)
        #expect(baselines.values.allSatisfy { $0.values.allSatisfy(Self.isNumber) })
        // The same figures as the table.
        let (table, _) = try command.evaluate()
        let rmse = try #require(table.rows.first { $0[0] == "model" && $0[1] == "RMSE" }?[3])
        #expect(fixed(try #require(metrics["rmse"] as? Double)) == rmse)
        #expect((o["model"] as? [String: Any])?["mode"] as? String == "explicit")
    }
}
