@_spi(Engine) @testable import ALS
import Foundation
import Testing

/// Standard output failures, run through the built `als` binary: a closed pipe ends quietly, any
/// other write error with a message and a non-zero status, in every command that prints.
@Suite("Standard output: EPIPE exits quietly, other write errors fail loudly")
struct StandardOutputTests {
    /// A model of `users` integer-id users and 20 items, saved in `s`: enough --all-users output
    /// (about 200 lines per 20 users) to overflow any pipe buffer.
    static func model(users: Int, in s: TinySplit) throws -> String {
        let k = 2
        let model = try ALSModel(
            factors: k, userFactors: (0 ..< users * k).map { Float($0 % 7) / 7 },
            itemFactors: (0 ..< 20 * k).map { Float($0 % 5) / 5 },
            userIDs: try IDMap(integers: (0 ..< users).map(Int64.init)),
            itemIDs: try IDMap(integers: (0 ..< 20).map(Int64.init)), configuration: ALSConfiguration.plain(mode: .implicit))
        let path = s.path("big.als")
        try model.save(to: URL(fileURLWithPath: path))
        return path
    }

    static func devFull() throws -> FileHandle {
        try #require(FileHandle(forWritingAtPath: "/dev/full"), "/dev/full is missing")
    }

    @Test("recommendDevFullCrash: 'als recommend m.als --user 1 > /dev/full' says so and exits 1 (was SIGILL)")
    func recommendDevFullCrash() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let path = try Self.model(users: 3, in: s)
        let outcome = try ALSBinary.run(["recommend", path, "--user", "1", "--include-seen"], standardOutput: try Self.devFull())
        #expect(!outcome.signalled && outcome.status == 1, "\(outcome)")
        #expect(outcome.standardError == "Error: cannot write to standard output (No space left on device).\n")
    }

    @Test("recommendBrokenPipeCrash: --all-users | head -1 with SIGPIPE ignored exits 0 without a word (was SIGILL)")
    func recommendBrokenPipeCrash() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let path = try Self.model(users: 20_000, in: s)
        let outcome = try ALSBinary.shell("trap '' PIPE; \"$ALS\" recommend '\(path)' --all-users --include-seen | head -1 > /dev/null; exit ${PIPESTATUS[0]}")
        #expect(!outcome.signalled && outcome.status == 0, "\(outcome)")
        #expect(outcome.standardError.isEmpty)
    }

    @Test("lostOutputExitsZero: inspect, split, tune and evaluate fail with status 1 when standard output is /dev/full")
    func lostOutputExitsZero() throws {
        let s = try TinySplit()
        defer { s.remove() }
        let model = s.path("m.als")
        let tune = ["tune", s.train, "--mode", "explicit", "--factors", "2", "--iterations", "2", "--threads", "1",
                    "--grid", "regularization=1", "--quiet", "--save-model", model]
        #expect(try ALSBinary.run(tune).status == 0)
        for arguments in [["inspect", s.all], ["split", s.all, "--method", "per-user", "--out-dir", s.path("split"), "--quiet"], tune,
                          ["evaluate", model, "--train", s.train, "--test", s.test, "--quiet"]] {
            let outcome = try ALSBinary.run(arguments, standardOutput: try Self.devFull())
            #expect(!outcome.signalled && outcome.status == 1, "\(arguments[0]): \(outcome)")
            #expect(outcome.standardError.contains("cannot write to standard output (No space left on device)"), "\(arguments[0])")
        }
    }
}
