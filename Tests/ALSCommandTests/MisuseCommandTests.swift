@_spi(Engine) import ALS
import Foundation
import Glibc
import Testing
@testable import ALSCommand

/// What a new user gets wrong on the command line, each case named after the failure it once
/// caused: every one now ends with a clean, typed, actionable error.
@Suite("Misuse: hangs, wasted work and silent mismatches on the command line")
struct MisuseCommandTests {
    @Test("inspectFIFOHang: 'als inspect FIFO' and 'als recommend FIFO' refuse at once instead of blocking",
          arguments: [["inspect"], ["recommend", "--user", "1"], ["recommend", "MODEL", "--user", "1", "--deny"]])
    func inspectFIFOHang(command: [String]) throws {
        let s = try TinySplit()
        defer { s.remove() }
        let fifo = s.path("fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let model = try StandardOutputTests.model(users: 3, in: s)
        // The FIFO goes where the command reads a file: first argument, or the last option's value.
        let arguments = command.count == 1 || command[1] == "--user"
            ? [command[0], fifo] + command.dropFirst() : command.map { $0 == "MODEL" ? model : $0 } + [fifo]
        let outcome = try ALSBinary.run(arguments, timeout: 20)
        #expect(!outcome.timedOut, "als \(arguments.joined(separator: " ")) blocked on the FIFO")
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "Error: \(ALSError.notARegularFile(path: fifo, kind: "a FIFO (named pipe)"))\n")
    }

    /// The error `als arguments` ends with, run in-process (nil when it succeeds).
    static func failure(_ arguments: [String]) -> String? {
        do {
            var command = try ALSTool.parseAsRoot(CommandLineText.joiningNegativeNumbers(arguments))
            try command.run()
            return nil
        } catch {
            return CommandLineText.message(for: error)
        }
    }

    static let missing = "/nonexistent/dir"
    static func missingDirectory(_ file: String) -> String {
        ALSError.io(path: "\(missing)/\(file)", reason: "the directory \(missing) does not exist (No such file or directory)").description
    }

    @Test("trainOutputWastedWork: a bad --output or --export-npz fails before the data is even read")
    func trainOutputWastedWork() throws {
        // The input does not exist either: the output is checked first, so it is what is named.
        for flag in ["--output", "--export-npz"] {
            var arguments = ["train", "/nonexistent-input.tsv", "--quiet", flag, "\(Self.missing)/m.als"]
            if flag != "--output" { arguments += ["--output", "m.als"] }
            #expect(Self.failure(arguments) == Self.missingDirectory("m.als"))
        }
    }

    @Test("plotBadPathCocoaDump: plot, tune --save-best/--save-model, evaluate --report, convert, synthetic and split name the bad path cleanly, before any work")
    func plotBadPathCocoaDump() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let cases: [([String], String)] = [
            (["plot", "loss", "/nonexistent-train.tsv", "--output", "\(Self.missing)/c.svg"], "c.svg"),
            (["plot", "embeddings", "/nonexistent.als", "--output", "\(Self.missing)/c.svg"], "c.svg"),
            (["tune", "/nonexistent-train.tsv", "--save-best", "\(Self.missing)/best.json"], "best.json"),
            (["tune", "/nonexistent-train.tsv", "--save-model", "\(Self.missing)/m.als"], "m.als"),
            (["evaluate", "/nonexistent.als", "--train", s.train, "--test", s.test, "--report", "\(Self.missing)/r.md"], "r.md"),
            (["convert", "/nonexistent.tsv", "--to", "cache", "\(Self.missing)/c.cache"], "c.cache"),
            (["synthetic", "\(Self.missing)/s.csv"], "s.csv"),
        ]
        for (arguments, file) in cases {
            let message = Self.failure(arguments)
            #expect(message == Self.missingDirectory(file), "\(arguments[0])")
            #expect(message?.contains("NSCocoaErrorDomain") == false)
        }
        let split = try #require(Self.failure(["split", s.all, "--method", "per-user", "--quiet", "--out-dir", s.train + "/sub"]))
        #expect(split == ALSError.io(path: s.train + "/sub", reason: "cannot create the output directory (a part of the path is a file, or not writable)").description)
    }

    @Test("excludeSeenUnrelatedData: recommend --exclude-seen and evaluate refuse a file the model barely knows, with counts; --allow-unknown overrides")
    func excludeSeenUnrelatedData() throws {
        let f = try ServingCommandFixture()
        // One known user of three, one known item of three.
        let other = try f.file("other.tsv", "alice\tapple\t1\nzed\tplum\t1\nyan\tkiwi\t1\n")
        let failure = try #require(ServingCommandFixture.failure(["recommend", f.modelPath, "--user", "alice", "--exclude-seen", other]))
        #expect(failure.message == "\(other): only 1 of its 3 user ids are known to the model, so it is most likely not the data the model was trained on. Pass the model's own data, or pass --allow-unknown to use it anyway.")
        #expect(failure.exitCode == 1)
        let allowed = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "alice", "--exclude-seen", other, "--allow-unknown"])
        #expect(!ServingCommandFixture.tableRows(allowed).map(\.id).contains("apple"))
        // Half the ids known is enough.
        let half = try f.file("half.tsv", "alice\tapple\t1\nbob\tplum\t1\n")
        #expect(ServingCommandFixture.failure(["recommend", f.modelPath, "--user", "alice", "--exclude-seen", half]) == nil)

        let s = try TinySplit()
        defer { s.remove() }
        let model = s.path("m.als")
        _ = try TuneCommand.parse([s.train, "--mode", "explicit", "--factors", "2", "--iterations", "2", "--threads", "1",
                                   "--grid", "regularization=1", "--quiet", "--save-model", model]).report()
        let unrelated = try f.file("unrelated.tsv", "9001\t9002\t4\n9003\t9004\t2\n")
        let evaluate = Self.failure(["evaluate", model, "--train", unrelated, "--test", unrelated, "--quiet"])
        #expect(evaluate?.contains("only 0 of its 2 user ids are known to the model") == true, "\(String(describing: evaluate))")
    }

    @Test("negativeFactorsMissingValue: '--factors -5' reaches the range check instead of 'Missing value for --factors'")
    func negativeFactorsMissingValue() throws {
        #expect(CommandLineText.joiningNegativeNumbers(["train", "f", "--factors", "-5", "--alpha", "-0.5", "--quiet", "-h"])
            == ["train", "f", "--factors=-5", "--alpha=-0.5", "--quiet", "-h"])
        #expect(CommandLineText.joiningNegativeNumbers(["x", "--", "--k", "-1"]) == ["x", "--", "--k", "-1"])
        let outcome = try ALSBinary.run(["train", "/nonexistent.tsv", "--factors", "-5", "--output", "m.als"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.hasPrefix("Error: invalid --factors: must be in 1...4096 (got -5); pass --factors 64 for a start.\n"),
                "\(outcome.standardError)")
    }

    @Test("cliFlagsInLibraryErrors: library messages name parameters; the command line names the flags")
    func cliFlagsInLibraryErrors() throws {
        let line = ALSError.malformedLine(file: "f", line: 2, column: 3, text: "x", reason: "value is not a number", skippable: true)
        #expect(line.description.hasSuffix("Fix the line, or pass `skipInvalid: true` to skip and count such lines."))
        #expect(CommandLineText.rewrite(line.description).hasSuffix("Fix the line, or pass --skip-invalid to skip and count such lines."))
        #expect(line.localizedDescription == line.description && line.errorDescription == line.description)
        let cases: [(ALSError, String)] = [
            (.duplicateEntry(user: "1", item: "2", line: 3), "Choose a duplicate policy: --duplicates sum|last|max."),
            (.notPositiveDefinite(side: "user", row: 4), "Increase --regularization (λ > 0 makes every system solvable)."),
            (.nonFinite(side: "item", iteration: 2), "Increase --regularization or lower --alpha."),
            (.mixedIDKinds(file: "u.data", line: 7, column: 3, text: "not-an-item", side: "item"),
             "Fix the line, or read every item id as text (--item-ids text)."),
            (.invalidConfiguration(parameter: "cgSteps", reason: "must be ≥ 1 (got 0)"), "invalid --cg-steps: must be ≥ 1 (got 0)."),
            (.invalidConfiguration(parameter: "matrix", reason: "too large"), "invalid matrix: too large."),
        ]
        for (error, cli) in cases {
            #expect(!error.description.contains("--"), "\(error)")
            #expect(CommandLineText.rewrite(error.description).hasSuffix(cli), "\(error)")
        }
        // The u.data of the issue, through the binary: the line and both ways out, in flags.
        let s = try TinySplit()
        defer { s.remove() }
        var lines = (1 ... 20).map { "\($0)\t\(100 + $0)\t3\t88125090\($0 % 10)" }
        lines[6] = "7\tnot-an-item\t3\t881250949"
        let path = s.path("u.data")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try ALSBinary.run(["inspect", path])
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "Error: \(path):7:3: item id \"not-an-item\" is text, but the item ids before it are integers. Fix the line, or read every item id as text (--item-ids text).\n")
    }
}
