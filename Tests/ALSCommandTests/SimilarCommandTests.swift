@_spi(Engine) import ALS
import ArgumentParser
import Testing
@testable import ALSCommand

@Suite("als similar")
struct SimilarCommandTests {
    @Test("items by cosine of their factor rows, worked out by hand")
    func items() throws {
        let f = try ServingCommandFixture()
        // apple [0.5, 0]: banana [2, 0] has cosine 1, date [1, 1] 1/√2, cherry [0, 3] 0, elder −4/√17.
        let out = try ServingCommandFixture.output(["similar", f.modelPath, "--item", "apple", "--k", "3"])
        #expect(out == """
            rank  item   cosine
               1  banana 1.000000
               2  date   0.707107
               3  cherry 0.000000

            """)
    }

    @Test("users, as JSON, match the library")
    func usersJSON() throws {
        let f = try ServingCommandFixture()
        let out = try ServingCommandFixture.output(["similar", f.modelPath, "--user", "carol", "--json"])
        let expected = try f.model.similarUsers(toID: "carol", k: 10)
        let got = try ServingCommandFixture.jsonList(out, listKey: "similar", idKey: "user")
        #expect(got.map(\.id) == ["alice", "bob"])
        #expect(got.map(\.id) == expected.map(\.id))
        #expect(got.map { Float($0.score) } == expected.map(\.score))
        #expect(out.hasPrefix(#"{"similar":[{"score":0.70710677,"user":"alice"}"#) && out.hasSuffix(#"],"user":"carol"}\#n"#))
    }

    @Test("an unknown id ends with ALSError's message and a non-zero exit")
    func unknownID() throws {
        let f = try ServingCommandFixture()
        let item = try #require(ServingCommandFixture.failure(["similar", f.modelPath, "--item", "fig"]))
        #expect(item.message == ALSError.unknownID(kind: "item", id: "fig").description)
        #expect(item.exitCode != 0)
        // An item id is not a user id.
        let user = try #require(ServingCommandFixture.failure(["similar", f.modelPath, "--user", "apple"]))
        #expect(user.message == ALSError.unknownID(kind: "user", id: "apple").description)
    }

    @Test("exactly one of --item and --user, and k ≥ 1",
          arguments: [[], ["--item", "a", "--user", "b"], ["--item", "a", "--k", "0"]])
    func validation(flags: [String]) {
        let failure = ServingCommandFixture.failure(["similar", "/nonexistent.als"] + flags)
        #expect(failure?.exitCode == ExitCode.validationFailure.rawValue, "\(String(describing: failure))")
    }
}
