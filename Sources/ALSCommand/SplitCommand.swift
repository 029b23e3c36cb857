@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// `als split FILE --method … --out-dir DIR`: writes a seeded train/test split as TSV files.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split an interactions file into train and test TSV files (random, per-user, temporal, leave-k-out or strong generalisation).",
        discussion: """
            Writes DIR/train.tsv and DIR/test.tsv as user<TAB>item<TAB>value[<TAB>timestamp] with \
            the file's own ids; the strong method writes DIR/train.tsv, DIR/fold-in.tsv and \
            DIR/test.tsv (the held-out users' targets). A seed names the same split on every \
            platform and Swift version.

            Methods:
              random       floor(nnz · test-fraction) entries drawn uniformly
              per-user     floor(n · test-fraction) of each user's n entries
              temporal     the earliest (1 − test-fraction) of all entries by
                           timestamp are train; test keeps only users with at
                           least --min-train train entries. Equal timestamps are
                           ordered by (user, item), as the loaded matrix no
                           longer knows the file's order.
              leave-k-out  each user's --k latest entries (or --leave-out random)
                           go to test; users with --k or fewer stay in train
              strong       --held-out-fraction of the users leave train; each
                           one's row is split into fold-in and test

            Example:
              als split u.data --method temporal --test-fraction 0.2 --min-train 10 \\
                --out-dir ml100k-temporal
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case random, perUser = "per-user", temporal, leaveKOut = "leave-k-out", strong
    }

    enum LeaveOut: String, ExpressibleByArgument, CaseIterable {
        case latest, random
    }

    @Argument(help: "The interactions file (any format als reads).")
    var file: String

    @OptionGroup var input: InputOptions

    @Option(help: "How to split: random, per-user, temporal, leave-k-out or strong.")
    var method: Method

    @Option(help: ArgumentHelp("Where to write the files (created if missing).", valueName: "dir"))
    var outDir: String

    @Option(help: "Fraction of the entries (random, temporal), of each user's entries (per-user), or of each held-out user's entries (strong) sent to test.")
    var testFraction: Double = 0.2

    @Option(help: "Seed of the random choices.")
    var seed: UInt64 = 1

    @Option(help: "Temporal: keep a test entry only when its user has at least this many train entries.")
    var minTrain: Int = 0

    @Option(help: "Leave-k-out: entries held out per user.")
    var k: Int = 1

    @Option(help: "Leave-k-out: which entries, latest (needs timestamps) or random.")
    var leaveOut: LeaveOut = .latest

    @Option(help: "Strong: fraction of the users held out of train.")
    var heldOutFraction: Double = 0.1

    func validate() throws {
        guard testFraction >= 0, testFraction <= 1 else { throw ValidationError("--test-fraction must be in [0, 1].") }
        guard heldOutFraction >= 0, heldOutFraction <= 1 else { throw ValidationError("--held-out-fraction must be in [0, 1].") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1.") }
        guard minTrain >= 0 else { throw ValidationError("--min-train must be ≥ 0.") }
    }

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    /// Splits, writes the files and returns the summary printed on standard output.
    func report() throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        } catch {
            throw ALSError.io(path: outDir, reason: "cannot create the output directory (a part of the path is a file, or not writable)")
        }
        try checkOutputPaths(outDir + "/train.tsv")
        let data = try input.load(file).matrix
        let path = { (name: String) in URL(fileURLWithPath: outDir).appendingPathComponent(name).path }
        var parts: [(String, InteractionMatrix)]
        switch method {
        case .random: parts = named(try Splits.random(data, testFraction: testFraction, seed: seed))
        case .perUser: parts = named(try Splits.perUser(data, testFraction: testFraction, seed: seed))
        case .temporal:
            parts = named(try Splits.temporal(data, trainFraction: 1 - testFraction, minimumTrainInteractions: minTrain))
        case .leaveKOut:
            parts = named(try Splits.leaveKOut(data, k: k, selection: leaveOut == .latest ? .latest : .random(seed: seed)))
        case .strong:
            let s = try Splits.strongGeneralization(data, heldOutFraction: heldOutFraction, targetFraction: testFraction, seed: seed)
            parts = [("train.tsv", s.train), ("fold-in.tsv", s.foldIn), ("test.tsv", s.target)]
        }
        var out = "\(file): \(data.users) users, \(data.items) items, \(data.nonZeros) interactions; \(method.rawValue) split\n"
        for (name, m) in parts {
            try SplitFiles.write(m, to: path(name))
            let users = (0 ..< m.users).filter { m.byUser.count(of: $0) > 0 }.count
            let items = (0 ..< m.items).filter { m.byItem.count(of: $0) > 0 }.count
            out += "wrote \(path(name)): \(m.nonZeros) interactions, \(users) users, \(items) items\n"
        }
        return out
    }

    private func named(_ s: DataSplit) -> [(String, InteractionMatrix)] {
        [("train.tsv", s.train), ("test.tsv", s.test)]
    }
}
