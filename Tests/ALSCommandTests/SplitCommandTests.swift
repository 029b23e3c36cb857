import Foundation
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand

@Suite("als split: train/test files from one interactions file")
struct SplitCommandTests {
    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("per-user and temporal splits partition the input; the files read back over shared ids",
          arguments: ["per-user", "temporal", "random", "leave-k-out"])
    func partition(method: String) throws {
        let s = try TinySplit()
        defer { s.remove() }
        let out = s.path(method)
        let report = try SplitCommand.parse([s.all, "--method", method, "--test-fraction", "0.25", "--out-dir", out, "--quiet"]).report()
        #expect(report.contains("wrote \(out)/train.tsv") && report.contains("wrote \(out)/test.tsv"))
        let train = try lines(out + "/train.tsv"), test = try lines(out + "/test.tsv")
        let input = try lines(s.all)
        #expect(Set(train + test) == Set(input) && train.count + test.count == input.count)
        if method == "temporal" {
            // The earliest 75% by timestamp (column 4) are train.
            let latestTrain = train.map { Int($0.split(separator: "\t")[3])! }.max()!
            #expect(test.allSatisfy { Int($0.split(separator: "\t")[3])! > latestTrain })
            #expect(train.count == input.count * 3 / 4)
        }
        let split = try SplitFiles.load(train: out + "/train.tsv", test: out + "/test.tsv")
        #expect(split.train.nonZeros == train.count && split.test.nonZeros == test.count)
    }

    @Test("strong generalisation writes train, fold-in and test; held-out users leave train")
    func strong() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let out = s.path("strong")
        _ = try SplitCommand.parse([s.all, "--method", "strong", "--held-out-fraction", "0.2", "--out-dir", out, "--quiet"]).report()
        let users = { (file: String) in Set(try self.lines(out + "/" + file).map { $0.split(separator: "\t")[0] }) }
        let heldOut = try users("fold-in.tsv").union(try users("test.tsv"))
        let trainUsers = try users("train.tsv")
        #expect(heldOut.count == 6 && heldOut.isDisjoint(with: trainUsers))
    }
}
