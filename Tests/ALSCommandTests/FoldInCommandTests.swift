@_spi(Engine) @testable import ALS
import ArgumentParser
import Foundation
import Testing
@testable import ALSCommand

@Suite("als fold-in")
struct FoldInCommandTests {
    @Test("the interactions file: tabs, commas, bare ids, comments, blank lines and CRLF")
    func parsing() throws {
        let f = try ServingCommandFixture()
        let path = try f.file("liked.txt", "# liked\r\nbanana\t2.5\r\n\r\ndate,1\r\n  elder  \r\n")
        let pairs = try FoldInCommand.parseInteractions(path: path, model: f.model)
        #expect(pairs.map(\.item) == [1, 3, 4])
        #expect(pairs.map(\.value) == [2.5, 1, 1])
    }

    @Test("unreadable lines name the file and line; unknown items and empty files are errors",
          arguments: [("apple\nbanana\tlots\n", "liked.txt:2:8: the value \"lots\" is not a finite number; write one interaction per line"),
                      ("apple\n,3\n", "liked.txt:2:1: the item id is empty"),
                      ("apple,nan\n", "liked.txt:1:7: the value \"nan\" is not a finite number"),
                      ("apple, 2,5\n", "liked.txt:1:8: the value \"2,5\" is not a finite number"),
                      ("# nothing\n\n", "liked.txt: no interactions found"),
                      ("apple\nfig\n", ALSError.unknownID(kind: "item", id: "fig").description)])
    func badInput(text: String, message: String) throws {
        let f = try ServingCommandFixture()
        let path = try f.file("liked.txt", text)
        let failure = try #require(ServingCommandFixture.failure(["fold-in", f.modelPath, "--interactions", path]))
        #expect(failure.message.contains(message), "\(failure.message)")
        #expect(failure.exitCode != 0)
    }

    @Test("prints the library's fold-in recommendations, without the folded items")
    func matchesLibrary() throws {
        let f = try ServingCommandFixture()
        let path = try f.file("liked.txt", "banana\t3\ncherry\n")
        let out = try ServingCommandFixture.output(["fold-in", f.modelPath, "--interactions", path, "--k", "2", "--json"])
        let folded = try f.model.foldingIn(userID: "new-user", interactions: [(1, 3), (2, 1)])
        let expected = try folded.recommend(userID: "new-user", k: 2, excludeSeen: .items([1, 2]))
        #expect(out.hasSuffix(#"],"user":"new-user"}\#n"#))
        let got = try ServingCommandFixture.jsonList(out)
        #expect(got.map(\.id) == expected.map(\.id))
        #expect(got.map { Float($0.score) } == expected.map(\.score))
        #expect(!got.contains { $0.id == "banana" || $0.id == "cherry" })
        #expect(got.count == 2)
    }

    @Test("--output writes a model with the user added, or replaced when the id exists")
    func output() throws {
        let f = try ServingCommandFixture()
        let path = try f.file("liked.txt", "apple\ndate,2\n")
        let added = f.directory.appendingPathComponent("added.als").path
        let table = try ServingCommandFixture.output(["fold-in", f.modelPath, "--interactions", path, "--user", "dave", "--output", added])
        let model = try ALSModel.load(from: URL(fileURLWithPath: added))
        let expected = try f.model.foldIn(interactions: [(0, 1), (3, 2)])
        #expect(model.users == 4 && model.userIDs.externalID(3) == "dave")
        #expect(Array(model.userFactors[6 ..< 8]) == expected.factors)
        #expect(ServingCommandFixture.tableRows(table).map(\.id)
            == (try model.recommend(userID: "dave", k: 10, excludeSeen: .ids(["apple", "date"])).map(\.id)))

        let replaced = f.directory.appendingPathComponent("replaced.als").path
        _ = try ServingCommandFixture.output(["fold-in", f.modelPath, "--interactions", path, "--user", "bob", "--output", replaced])
        let model2 = try ALSModel.load(from: URL(fileURLWithPath: replaced))
        #expect(model2.users == 3)
        #expect(Array(model2.userFactors[2 ..< 4]) == expected.factors)
        #expect(Array(model2.userFactors[0 ..< 2]) == [1, 0])
    }

    @Test("a new user id is one past the largest integer id")
    func newIntegerID() throws {
        let config = ALSConfiguration.plain(mode: .implicit)
        let model = try ALSModel(factors: 1, userFactors: [1, 2], itemFactors: [1], userIDs: try IDMap(integers: [7, 41]),
                                 itemIDs: try IDMap(integers: [3]), configuration: config)
        #expect(FoldInCommand.newUserID(model) == "42")
        let full = try ALSModel(factors: 1, userFactors: [1, 2], itemFactors: [1], userIDs: try IDMap(integers: [0, .max]),
                                itemIDs: try IDMap(integers: [3]), configuration: config)
        #expect(FoldInCommand.newUserID(full) == "1")
    }

    @Test("weighted mode needs --train for the item counts, and uses them")
    func weightedNeedsTrain() throws {
        // Item weight 1 + 4/c_n: the counts change the solution.
        let f = try ServingCommandFixture(mode: .weighted) { $0.walsWeighting = .linear(w0: 1, wk: 4) }
        let liked = try f.file("liked.txt", "apple\ncherry,2\n")
        let failure = try #require(ServingCommandFixture.failure(["fold-in", f.modelPath, "--interactions", liked]))
        #expect(failure.message.contains("pass the training data with --train"))
        #expect(failure.exitCode != 0)

        // Counts: apple 2, banana 0, cherry 1, date 1, elder 0 (an unknown item is ignored).
        let train = try f.file("train.tsv", "alice\tapple\t1\nbob\tapple\t1\nbob\tcherry\t1\ncarol\tdate\t1\ncarol\tfig\t1\n")
        let out = try ServingCommandFixture.output(["fold-in", f.modelPath, "--interactions", liked, "--train", train,
                                                    "--json", "--quiet"])
        let counts = [2, 0, 1, 1, 0]
        let folded = try f.model.foldingIn(userID: "new-user", interactions: [(0, 1), (2, 2)], itemCounts: counts)
        #expect(try f.model.foldIn(interactions: [(0, 1), (2, 2)], itemCounts: counts)
            != f.model.foldIn(interactions: [(0, 1), (2, 2)], itemCounts: [1, 1, 1, 1, 1]))
        let expected = try folded.recommend(userID: "new-user", k: 10, excludeSeen: .items([0, 2]))
        #expect(try ServingCommandFixture.jsonList(out).map(\.id) == expected.map(\.id))
        #expect(try ServingCommandFixture.jsonList(out).map { Float($0.score) } == expected.map(\.score))
    }

    @Test("a weighted model from als train keeps its item counts: fold-in needs no --train")
    func trainedModelKeepsCounts() throws {
        let f = try ServingCommandFixture()
        let train = try f.file("train.tsv", "alice\tapple\t1\nbob\tapple\t1\nbob\tcherry\t1\ncarol\tdate\t1\ncarol\tbanana\t2\n")
        let path = f.directory.appendingPathComponent("weighted.als").path
        let command = try #require(try ALSTool.parseAsRoot(["train", train, "--output", path, "--mode", "weighted", "--factors", "2",
                                                            "--iterations", "2", "--quiet"]) as? TrainCommand)
        _ = try command.train()
        let liked = try f.file("liked.txt", "apple\ncherry,2\n")
        let out = try ServingCommandFixture.output(["fold-in", path, "--interactions", liked, "--json"])
        let withTrain = try ServingCommandFixture.output(["fold-in", path, "--interactions", liked, "--train", train, "--json", "--quiet"])
        #expect(out == withTrain)
        let model = try ALSModel.load(from: URL(fileURLWithPath: path))
        let expected = try model.recommend(interactions: [(itemID: "apple", value: 1), (itemID: "cherry", value: 2)], k: 10)
        #expect(try ServingCommandFixture.jsonList(out).map(\.id) == expected.map(\.id))
    }

    @Test("k ≥ 1 and a non-empty --user", arguments: [["--k", "0"], ["--user", ""]])
    func validation(flags: [String]) {
        let failure = ServingCommandFixture.failure(["fold-in", "/nonexistent.als", "--interactions", "x.txt"] + flags)
        #expect(failure?.exitCode == ExitCode.validationFailure.rawValue, "\(String(describing: failure))")
    }
}
