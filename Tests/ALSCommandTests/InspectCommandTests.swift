@_spi(Engine) import ALS
import ArgumentParser
import Foundation
import Testing
@testable import ALSCommand

/// `../shared/data` beside the package root (found from this file's path), and scratch files.
enum InspectFixture {
    static let data: String = URL(fileURLWithPath: "\(#filePath)")
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data").standardizedFileURL.path
    static let uData = data + "/ml-100k/u.data"
    static let available = FileManager.default.isReadableFile(atPath: uData)

    /// A fresh scratch directory.
    static func directory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("als-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// A scratch directory holding `name` with `text`: (directory, file path).
    static func file(_ name: String, _ text: String) throws -> (URL, String) {
        let d = try directory()
        let path = d.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (d, path)
    }

    /// Parses `arguments` as `als …` and returns the inspect report.
    static func report(_ arguments: [String]) throws -> String {
        let command = try #require(try ALSTool.parseAsRoot(arguments) as? InspectCommand)
        return try command.report()
    }
}

@Suite("als inspect and als convert")
struct InspectCommandTests {
    static let uDataReport = """
        format      movielens-100k
        users       943
        items       1682
        non-zeros   100000
        density     6.3047%
        duplicates  0 merged
        timestamps  874724710 to 893286638
        values      count per value
          1         6110
          2         11370
          3         27145
          4         34174
          5         21201
        counts           min     p25     p50     p75     p90     p99     max
        per user          20      33      65     148     245     448     737
        per item           1       6      27      80     169     378     583
        skipped lines: none

        """

    @Test("inspect u.data prints the shape, histogram and count quantiles (worked out with awk and Python)",
          .enabled(if: InspectFixture.available, "skipped: ../shared/data/ml-100k/u.data is not next to the package"))
    func inspectUData() throws {
        let report = try InspectFixture.report(["inspect", InspectFixture.uData, "--quiet"])
        #expect(report == "file        \(InspectFixture.uData)\n" + Self.uDataReport)
    }

    @Test("inspect --timing adds the load time and throughput")
    func timing() throws {
        let (dir, path) = try InspectFixture.file("r.csv", "user,item,rating\n1,2,5\n1,3,4\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try InspectFixture.report(["inspect", path, "--timing"])
        #expect(report.contains("\nload time   "))
        #expect(report.contains(" MB/s\n"))
    }

    @Test("convert to a cache and to Matrix Market: inspect reads both back to the same figures",
          .enabled(if: InspectFixture.available, "skipped: ../shared/data/ml-100k/u.data is not next to the package"))
    func convert() throws {
        let dir = try InspectFixture.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (target, format) in [("cache", "cache"), ("mtx", "mtx")] {
            let out = dir.appendingPathComponent("u.\(target)").path
            let command = try #require(try ALSTool.parseAsRoot(["convert", InspectFixture.uData, "--to", target, out, "--quiet"]) as? ConvertCommand)
            try command.run()
            let report = try InspectFixture.report(["inspect", out])
            var expected = Self.uDataReport.replacingOccurrences(of: "movielens-100k", with: format)
            if target == "mtx" { expected = expected.replacingOccurrences(of: "timestamps  874724710 to 893286638\n", with: "") }
            #expect(report == "file        \(out)\n" + expected)
        }
    }

    @Test("skipped lines are reported in the output and by the shared loader")
    func skippedLines() throws {
        let (dir, path) = try InspectFixture.file("r.tsv", "1\t2\t5\n1\t3\tx\n2\t2\t4\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try InspectFixture.report(["inspect", path, "--skip-invalid"])
        #expect(report.hasSuffix("skipped lines: 1\n  not a number: 1\n  line 2:5: value is not a number (text: \"x\")\n"))
        #expect(report.contains("non-zeros   2\n"))
    }

    @Test("a malformed file fails with the ALSError's description and a non-zero exit code")
    func errorsExitNonZero() throws {
        let (dir, path) = try InspectFixture.file("r.tsv", "1\t2\t5\n1\t3\tx\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = try #require(try ALSTool.parseAsRoot(["inspect", path]) as? InspectCommand)
        do {
            _ = try command.report()
            Issue.record("expected an error")
        } catch {
            #expect(ALSTool.exitCode(for: error) != .success)
            #expect(CommandLineText.message(for: error) == "\(path):2:5: value is not a number (text: \"x\"). Fix the line, or pass --skip-invalid to skip and count such lines.")
        }
    }

    @Test("bad flags are rejected before anything is read")
    func validation() {
        for arguments in [["inspect", "f", "--delimiter", ""], ["inspect", "f", "--user-column", "none"],
                          ["inspect", "f", "--value-column", "0"], ["inspect", "f", "--load-threads", "0"],
                          ["inspect", "f", "--input-format", "xlsx"], ["inspect", "f", "--format", "xml"], ["inspect", "f", "--duplicates", "mean"],
                          ["convert", "f", "--to", "cache", "f"], ["convert", "f", "--to", "parquet", "g"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try ALSTool.parseAsRoot(arguments) }
        }
    }

    @Test("the shared input options map onto LoadOptions")
    func loadOptions() throws {
        let command = try #require(try ALSTool.parseAsRoot([
            "inspect", "f", "--input-format", "delimited", "--delimiter", "tab", "--user-column", "userId", "--item-column", "2",
            "--value-column", "none", "--timestamp-column", "none", "--header", "yes", "--user-ids", "text",
            "--allow-negative", "--duplicates", "last", "--skip-invalid", "--quiet", "--load-threads", "3",
        ]) as? InspectCommand)
        let o = try command.input.loadOptions()
        #expect(o.format == .delimited)
        #expect(o.delimiter == .tab)
        #expect(o.userColumn == .name("userId"))
        #expect(o.itemColumn == .position(2))
        #expect(o.valueColumn == .absent)
        #expect(o.timestampColumn == .absent)
        #expect(o.header == .yes)
        #expect(o.userIDs == .text && o.itemIDs == .auto)
        #expect(o.allowNegative && o.skipInvalid)
        #expect(o.duplicates == .last)
        #expect(o.threads == 3)
        if case .quiet = o.progress {} else { Issue.record("expected quiet progress") }
    }
}
