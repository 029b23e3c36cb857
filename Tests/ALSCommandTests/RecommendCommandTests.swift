@_spi(Engine) @testable import ALS
import ArgumentParser
import Foundation
import Testing
@testable import ALSCommand

/// A small model whose scores are worked out by hand, saved in a scratch directory, and helpers
/// that run the serving commands in-process.
///
///     users  alice [1, 0]   bob [0, 1]   carol [1, 1]
///     items  apple [0.5, 0]  banana [2, 0]  cherry [0, 3]  date [1, 1]  elder [−1, 0.25]
///
/// alice scores apple 0.5, banana 2, cherry 0, date 1, elder −1; carol scores apple 0.5, banana 2,
/// cherry 3, date 2, elder −0.75 (banana and date tie; the lower index, banana, ranks first).
final class ServingCommandFixture {
    let directory: URL
    let model: ALSModel
    let modelPath: String

    init(mode: ALSConfiguration.Mode = .implicit, configure: (inout ALSConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("als-serving-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 2
        config.regularization = 0.5
        configure(&config)
        model = try ALSModel(
            factors: 2, userFactors: [1, 0, 0, 1, 1, 1], itemFactors: [0.5, 0, 2, 0, 0, 3, 1, 1, -1, 0.25],
            userIDs: try IDMap(strings: ["alice", "bob", "carol"]),
            itemIDs: try IDMap(strings: ["apple", "banana", "cherry", "date", "elder"]), configuration: config)
        modelPath = directory.appendingPathComponent("m.als").path
        try model.save(to: URL(fileURLWithPath: modelPath))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to a file of the scratch directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The standard output of `als <arguments>`, run in-process.
    static func output(_ arguments: [String]) throws -> String {
        let command = try ALSTool.parseAsRoot(arguments)
        guard let text = command as? any TextCommand else {
            Issue.record("\(arguments.first ?? "") is not a serving command")
            return ""
        }
        var out = ""
        try text.write(to: &out)
        return out
    }

    /// The message and exit code `als` ends with when `arguments` fail (parsing or running),
    /// exactly as `ALSTool.main()` reports them; nil when they succeed.
    static func failure(_ arguments: [String]) -> (message: String, exitCode: Int32)? {
        do {
            _ = try output(arguments)
            return nil
        } catch {
            return (CommandLineText.message(for: error), ALSTool.exitCode(for: error).rawValue)
        }
    }

    /// The (id, score) rows of a table printed by the serving commands.
    static func tableRows(_ table: String) -> [(id: String, score: Double)] {
        table.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3, let score = Double(f[2]) else { return nil }
            return (String(f[1]), score)
        }
    }

    /// The "items" (or `listKey`) list of a JSON line as (id, score) pairs.
    static func jsonList(_ line: String, listKey: String = "items", idKey: String = "item") throws -> [(id: String, score: Double)] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let list = try #require(object[listKey] as? [[String: Any]])
        return try list.map { (try #require($0[idKey] as? String), try #require($0["score"] as? Double)) }
    }
}

@Suite("als recommend")
struct RecommendCommandTests {
    @Test("the table lists the top K with training items left out, matched by id")
    func table() throws {
        let f = try ServingCommandFixture()
        // Text ids in another order than the model's, plus a user and an item it does not know.
        let seen = try f.file("seen.tsv", "carol\tcherry\t1\nalice\tbanana\t1\nzed\tapple\t1\ncarol\tfig\t1\n")
        let out = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "carol", "--k", "3",
                                                    "--exclude-seen", seen, "--quiet"])
        #expect(out == """
            rank  item   score
               1  banana 2.000000
               2  date   2.000000
               3  apple  0.500000

            """)
    }

    @Test("with --include-seen nothing is left out, and ties go to the lower item index")
    func noExclusion() throws {
        let f = try ServingCommandFixture()
        let out = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "carol", "--include-seen"])
        #expect(ServingCommandFixture.tableRows(out).map(\.id) == ["cherry", "banana", "date", "apple", "elder"])
    }

    @Test("--json gives the same items and scores as the library")
    func json() throws {
        let f = try ServingCommandFixture()
        let out = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "alice", "--k", "4", "--json", "--include-seen"])
        #expect(out.hasSuffix("\n") && out.filter { $0 == "\n" }.count == 1)
        let expected = try f.model.recommend(userID: "alice", k: 4, excludeSeen: .nothing)
        let got = try ServingCommandFixture.jsonList(out)
        #expect(got.map(\.id) == expected.map(\.id))
        #expect(got.map { Float($0.score) } == expected.map(\.score))
        #expect(out.hasPrefix(#"{"items":[{"item":"banana","score":2},{"item":"date","score":1}"#) && out.hasSuffix(#"],"user":"alice"}\#n"#))
    }

    @Test("JSON output escapes ids and parses back to the same text")
    func jsonEscaping() throws {
        let line = try Rendering.json("user", "a\"b\\c/d", [ScoredID(id: "x\ny\t\u{1}é", score: -1.5)])
        #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user"] as? String == "a\"b\\c/d")
        #expect(try ServingCommandFixture.jsonList(line).map(\.id) == ["x\ny\t\u{1}é"])
        #expect(try ServingCommandFixture.jsonList(line).map(\.score) == [-1.5])
    }

    @Test("--allow and --deny take a list or a file")
    func filters() throws {
        let f = try ServingCommandFixture()
        let denyFile = try f.file("deny.txt", "banana\n\n  date  \n")
        let denied = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "carol", "--deny", denyFile, "--include-seen"])
        #expect(ServingCommandFixture.tableRows(denied).map(\.id) == ["cherry", "apple", "elder"])
        let allowed = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "carol", "--include-seen",
                                                        "--allow", "elder, apple", "--deny", "apple"])
        #expect(ServingCommandFixture.tableRows(allowed).map(\.id) == ["elder"])
        let none = try ServingCommandFixture.output(["recommend", f.modelPath, "--user", "carol", "--allow", "apple", "--deny", "apple", "--include-seen"])
        #expect(none.hasSuffix("(no candidates left)\n"))
    }

    @Test("--all-users writes every user's list, identical to one call per user")
    func allUsers() throws {
        let f = try ServingCommandFixture()
        let seen = try f.file("seen.tsv", "carol\tcherry\t1\nalice\tbanana\t1\n")
        let tsv = try ServingCommandFixture.output(["recommend", f.modelPath, "--all-users", "--k", "2", "--exclude-seen", seen,
                                                    "--threads", "2", "--quiet"])
        var expected = ""
        for (user, seenItems) in [("alice", ["banana"]), ("bob", []), ("carol", ["cherry"])] {
            for (rank, r) in try f.model.recommend(userID: user, k: 2, excludeSeen: .ids(seenItems)).enumerated() {
                expected += "\(user)\t\(rank + 1)\t\(r.id)\t\(r.score)\n"
            }
        }
        #expect(tsv == expected)
        let lines = try ServingCommandFixture.output(["recommend", f.modelPath, "--all-users", "--k", "2", "--json", "--include-seen"])
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(try ServingCommandFixture.jsonList(lines[2]).map(\.id) == ["cherry", "banana"])
    }

    @Test("a model from als train leaves each user's training items out by default; --no-seen asks for a flag")
    func trainedModelKeepsSeen() throws {
        let f = try ServingCommandFixture()
        let train = try f.file("train.tsv", "alice\tapple\t1\nalice\tbanana\t2\nbob\tcherry\t1\ncarol\tdate\t1\ncarol\tapple\t1\nbob\telder\t1\n")
        let kept = f.directory.appendingPathComponent("kept.als").path, bare = f.directory.appendingPathComponent("bare.als").path
        for (path, extra) in [(kept, []), (bare, ["--no-seen"])] {
            let command = try #require(try ALSTool.parseAsRoot(["train", train, "--output", path, "--factors", "2",
                                                                "--iterations", "2", "--quiet"] + extra) as? TrainCommand)
            _ = try command.train()
        }
        let byDefault = try ServingCommandFixture.output(["recommend", kept, "--user", "alice", "--k", "5"])
        #expect(byDefault == (try ServingCommandFixture.output(["recommend", kept, "--user", "alice", "--k", "5",
                                                                "--exclude-seen", train, "--quiet"])))
        #expect(ServingCommandFixture.tableRows(byDefault).map(\.id).sorted() == ["cherry", "date", "elder"])
        let included = try ServingCommandFixture.output(["recommend", kept, "--user", "alice", "--k", "5", "--include-seen"])
        #expect(ServingCommandFixture.tableRows(included).count == 5)
        let all = try ServingCommandFixture.output(["recommend", kept, "--all-users", "--k", "5"])
        #expect(!all.contains("alice\t1\tapple") && !all.contains("bob\t1\tcherry"))
        let failure = try #require(ServingCommandFixture.failure(["recommend", bare, "--user", "alice"]))
        #expect(failure.message.contains("--exclude-seen DATA") && failure.message.contains("--include-seen"), "\(failure.message)")
        #expect(try ServingCommandFixture.output(["recommend", bare, "--user", "alice", "--exclude-seen", train, "--quiet"]) == byDefault)
    }

    @Test("an unknown user or item ends with ALSError's message and a non-zero exit, not a crash")
    func unknownIDs() throws {
        let f = try ServingCommandFixture()
        let user = try #require(ServingCommandFixture.failure(["recommend", f.modelPath, "--user", "mallory"]))
        #expect(user.message == ALSError.unknownID(kind: "user", id: "mallory").description)
        #expect(user.exitCode != 0)
        let item = try #require(ServingCommandFixture.failure(["recommend", f.modelPath, "--user", "bob", "--deny", "fig"]))
        #expect(item.message == ALSError.unknownID(kind: "item", id: "fig").description)
        #expect(item.exitCode != 0)
        let file = try #require(ServingCommandFixture.failure(["recommend", f.directory.path + "/missing.als", "--user", "bob"]))
        #expect(file.message.contains("missing.als: cannot open"))
    }

    @Test("bad flag combinations are rejected before anything is loaded",
          arguments: [["--k", "0", "--user", "a"], [], ["--user", "a", "--all-users"], ["--user", "a", "--threads", "2"],
                      ["--user", "a", "--timing"], ["--all-users", "--threads=-1"], ["--user", "a", "--allow", ""],
                      ["--user", "a", "--include-seen", "--exclude-seen", "x.tsv"]])
    func validation(flags: [String]) {
        // The model path does not exist: validation must fail first, with a usage error.
        let failure = ServingCommandFixture.failure(["recommend", "/nonexistent.als"] + flags)
        #expect(failure?.exitCode == ExitCode.validationFailure.rawValue, "\(String(describing: failure))")
    }

    @Test("the als binary exits with status 1 and the message on an unknown id")
    func binary() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("als")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "als is not built next to the tests")
        let f = try ServingCommandFixture()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["recommend", f.modelPath, "--user", "mallory"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1)
        #expect(message == "Error: \(ALSError.unknownID(kind: "user", id: "mallory"))\n")
    }
}

/// Every option of the serving commands has a help text.
@Suite("Serving commands: help")
struct ServingHelpTests {
    @Test("every option has help", arguments: [RecommendCommand.self, SimilarCommand.self, FoldInCommand.self] as [ParsableCommand.Type])
    func everyOptionHasHelp(command: ParsableCommand.Type) {
        let help = ALSTool.helpMessage(for: command, columns: 100)
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var options = 0
        for (n, line) in lines.enumerated() where line.hasPrefix("  -") {
            options += 1
            // An entry is the flag, then its help after two or more spaces, or on the next line
            // when the flag is too long for the label column.
            let sameLine = line.dropFirst(2).split(separator: "  ", maxSplits: 1).dropFirst().first
            let nextLine = n + 1 < lines.count && lines[n + 1].hasPrefix("      ") ? lines[n + 1] : nil
            let text = (sameLine.map(String.init) ?? nextLine ?? "").trimmingCharacters(in: .whitespaces)
            #expect(!text.isEmpty, "no help: \(line)")
        }
        #expect(options >= 4)
    }
}
