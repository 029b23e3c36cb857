import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSTuning

/// The shared data sets beside the package: `<package root>/../shared/data`. Real-data tests are
/// skipped, with a message naming the missing file, when the data is not there.
enum EvaluationData {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func available(_ relatives: String...) -> Bool {
        relatives.allSatisfy { FileManager.default.fileExists(atPath: path($0)) }
    }
}

/// A fresh temporary directory for one test's files.
func temporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Every entry of `m` as (external user, external item, value, timestamp), sorted, for comparing
/// matrices over different id maps or splits with their input.
func cells(_ m: InteractionMatrix) -> [String] {
    var out = [String]()
    for u in 0 ..< m.users {
        for p in m.byUser.range(of: u) {
            let t = m.byUser.timestamps.map { " \($0[p])" } ?? ""
            out.append("\(m.userIDs.externalID(u)) \(m.itemIDs.externalID(Int(m.byUser.innerIndices[p]))) \(m.byUser.values[p])\(t)")
        }
    }
    return out.sorted()
}

/// `count` random triplets (values 1...5, timestamps drawn from few values so that ties occur),
/// from the evaluation code's own seeded generator.
func sampleTriplets(users: Int, items: Int, count: Int, seed: UInt64, timestamps: Bool = true) -> Triplets {
    var rng = _SplitMix64(seed: seed)
    var t = Triplets()
    for _ in 0 ..< count {
        t.users.append(Int32(rng.below(users)))
        t.items.append(Int32(rng.below(items)))
        t.values.append(Float(1 + rng.below(5)))
    }
    if timestamps { t.timestamps = (0 ..< count).map { _ in Int64(rng.below(count / 4 + 1)) } }
    return t
}

/// A random matrix with timestamps and an id map that is not the identity.
func sampleMatrix(users: Int = 40, items: Int = 30, count: Int = 600, seed: UInt64) throws -> InteractionMatrix {
    let t = sampleTriplets(users: users, items: items, count: count, seed: seed)
    return try InteractionMatrix(
        users: users, items: items, triplets: t, duplicates: .last,
        userIDs: IDMap(integers: (0 ..< Int64(users)).map { 1000 + 3 * $0 }),
        itemIDs: IDMap(integers: (0 ..< Int64(items)).map { 7 * $0 }))
}

@Suite("Splits: seeded, reproducible partitions over the input's index spaces")
struct SplitTests {
    /// Regression (issue 12): `Splits.validation` held out 0.1 by default while `GridSearch`,
    /// `AutoSearch` and `als tune` held out 0.2. One default now, in one place.
    @Test("the validation split's default fraction is the searches' and the command's")
    func validationDefaultIsTheSearches() throws {
        let data = try smallProblem(users: 40, items: 30, count: 600, seed: 5)
        let byDefault = try Splits.validation(from: data, seed: 3)
        let explicit = try Splits.validation(from: data, fraction: Splits.defaultValidationFraction, seed: 3)
        #expect(byDefault.test.nonZeros == explicit.test.nonZeros)
        #expect(byDefault.test.byUser.innerIndices == explicit.test.byUser.innerIndices)
        #expect(GridSearch(base: ALSConfiguration(mode: .implicit), grid: HyperparameterGrid(), metric: .ndcg(k: 10)).validationFraction == Splits.defaultValidationFraction)
        #expect(AutoSearch(base: ALSConfiguration(mode: .implicit), metric: .ndcg(k: 10), budget: 60).validationFraction == Splits.defaultValidationFraction)
        #expect(Splits.defaultValidationFraction == 0.2)
    }

    /// Checks that `parts` cover `input` exactly once and keep its shape and id maps.
    func expectPartition(_ input: InteractionMatrix, _ parts: [InteractionMatrix]) throws {
        for part in parts {
            try part.checkInvariants()
            #expect(part.users == input.users && part.items == input.items)
            #expect(part.userIDs == input.userIDs && part.itemIDs == input.itemIDs)
        }
        #expect(parts.map(\.nonZeros).reduce(0, +) == input.nonZeros)
        #expect(parts.flatMap(cells).sorted() == cells(input))
    }

    static let kinds = ["random", "perUser", "leaveOneOutLatest", "leaveTwoOutRandom", "temporal", "validation"]

    func split(_ kind: String, _ m: InteractionMatrix, seed: UInt64) throws -> DataSplit {
        switch kind {
        case "random": return try Splits.random(m, testFraction: 0.25, seed: seed)
        case "perUser": return try Splits.perUser(m, testFraction: 0.2, seed: seed)
        case "leaveOneOutLatest": return try Splits.leaveKOut(m, k: 1, selection: .latest)
        case "leaveTwoOutRandom": return try Splits.leaveKOut(m, k: 2, selection: .random(seed: seed))
        case "temporal": return try Splits.temporal(m, trainFraction: 0.7)
        default: return try Splits.validation(from: m, fraction: 0.1, seed: seed)
        }
    }

    @Test("the generator is SplitMix64: the reference outputs of seed 0, and mix is its output function")
    func generator() {
        var g = _SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        #expect(_SplitMix64.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
    }

    @Test("every split partitions its input and keeps shape and id maps", arguments: kinds)
    func partitions(kind: String) throws {
        let m = try sampleMatrix(seed: 11)
        let s = try split(kind, m, seed: 5)
        try expectPartition(m, [s.train, s.test])
        #expect(s.test.nonZeros > 0 && s.train.nonZeros > 0)
    }

    @Test("the same seed gives the same split; another seed another", arguments: ["random", "perUser", "leaveTwoOutRandom", "validation"])
    func reproducible(kind: String) throws {
        let m = try sampleMatrix(seed: 12)
        let a = try split(kind, m, seed: 1), b = try split(kind, m, seed: 1), c = try split(kind, m, seed: 2)
        #expect(a.test.byUser == b.test.byUser && a.train.byUser == b.train.byUser)
        #expect(a.test.byUser != c.test.byUser)
    }

    @Test("random split sends exactly floor(nnz · fraction) entries to test")
    func randomCount() throws {
        let m = try sampleMatrix(seed: 13)
        for f in [0.0, 0.1, 0.3, 1.0] {
            let s = try Splits.random(m, testFraction: f, seed: 3)
            #expect(s.test.nonZeros == Int((Double(m.nonZeros) * f + 1e-9).rounded(.down)))
        }
        // 0.3 · 10 is 2.9999999999999996 in binary; the tolerance makes it 3.
        #expect(Splits.count(of: 10, fraction: 0.3) == 3)
        #expect(Splits.count(of: 4, fraction: 0.2) == 0 && Splits.count(of: 5, fraction: 0.2) == 1)
    }

    @Test("per-user split sends floor(n · fraction) of each user's row to test")
    func perUserCounts() throws {
        let m = try sampleMatrix(seed: 14)
        let s = try Splits.perUser(m, testFraction: 0.2, seed: 9)
        for u in 0 ..< m.users {
            #expect(s.test.byUser.count(of: u) == m.byUser.count(of: u) / 5)
        }
    }

    @Test("leave-k-out by time holds out each user's k latest, and keeps users with k or fewer whole")
    func leaveKOutLatest() throws {
        let m = try sampleMatrix(users: 30, items: 40, count: 200, seed: 15)
        let s = try Splits.leaveKOut(m, k: 2)
        for u in 0 ..< m.users {
            let n = m.byUser.count(of: u)
            #expect(s.test.byUser.count(of: u) == (n > 2 ? 2 : 0))
            let testTimes = s.test.byUser.range(of: u).map { s.test.byUser.timestamps![$0] }
            let trainTimes = s.train.byUser.range(of: u).map { s.train.byUser.timestamps![$0] }
            if let oldestTest = testTimes.min(), let newestTrain = trainTimes.max() {
                #expect(oldestTest >= newestTrain)
            }
        }
    }

    @Test("a split that needs timestamps says so when there are none")
    func needsTimestamps() throws {
        let t = sampleTriplets(users: 5, items: 5, count: 10, seed: 1, timestamps: false)
        let m = try InteractionMatrix(users: 5, items: 5, triplets: t)
        #expect(throws: ALSError.self) { try Splits.leaveKOut(m, k: 1, selection: .latest) }
        #expect(throws: ALSError.self) { try Splits.temporal(m) }
        #expect(throws: ALSError.self) { try Splits.random(m, testFraction: 1.5, seed: 1) }
    }

    @Test("global temporal split: train is the earliest fraction, ties keep input order")
    func temporalTies() throws {
        // Six ratings, timestamps 1 1 2 2 2 3, in this input order; 0.5 → the first 3 are train:
        // both timestamp-1 ratings and the first timestamp-2 rating in input order (item 4).
        var t = Triplets(users: [0, 1, 1, 0, 2, 2], items: [0, 1, 4, 3, 2, 0], values: [5, 4, 3, 2, 1, 5])
        t.timestamps = [1, 1, 2, 2, 2, 3]
        let s = try Splits.temporal(t, users: 3, items: 5, trainFraction: 0.5)
        #expect(cells(s.train) == ["0 0 5.0 1", "1 1 4.0 1", "1 4 3.0 2"])
        #expect(cells(s.test) == ["0 3 2.0 2", "2 0 5.0 3", "2 2 1.0 2"])
        // Keeping only test users with at least 2 train ratings drops users 0 and 2.
        let strict = try Splits.temporal(t, users: 3, items: 5, trainFraction: 0.5, minimumTrainInteractions: 2)
        #expect(strict.test.nonZeros == 0)
        let one = try Splits.temporal(t, users: 3, items: 5, trainFraction: 0.5, minimumTrainInteractions: 1)
        #expect(cells(one.test) == ["0 3 2.0 2"])
    }

    @Test("strong generalisation: held-out users leave train; their rows split into fold-in and target")
    func strongGeneralization() throws {
        let m = try sampleMatrix(seed: 16)
        let s = try Splits.strongGeneralization(m, heldOutFraction: 0.25, targetFraction: 0.2, seed: 4)
        try expectPartition(m, [s.train, s.foldIn, s.target])
        let active = (0 ..< m.users).filter { m.byUser.count(of: $0) > 0 }.count
        #expect(s.heldOutUsers.count == active / 4)
        #expect(s.heldOutUsers == s.heldOutUsers.sorted())
        for u in 0 ..< m.users {
            let held = s.heldOutUsers.contains(Int32(u))
            let n = m.byUser.count(of: u)
            #expect(s.train.byUser.count(of: u) == (held ? 0 : n))
            #expect(s.target.byUser.count(of: u) == (held ? n / 5 : 0))
            #expect(s.foldIn.byUser.count(of: u) == (held ? n - n / 5 : 0))
        }
        let again = try Splits.strongGeneralization(m, heldOutFraction: 0.25, targetFraction: 0.2, seed: 4)
        #expect(again.heldOutUsers == s.heldOutUsers && again.target.byUser == s.target.byUser)
        let dir = try temporaryDirectory()
        try s.write(train: dir + "/train.tsv", foldIn: dir + "/foldin.tsv", target: dir + "/target.tsv")
        let back = try SplitFiles.load([dir + "/train.tsv", dir + "/foldin.tsv", dir + "/target.tsv"])
        #expect(back.map(cells) == [cells(s.train), cells(s.foldIn), cells(s.target)])
    }

    @Test("ML-100k temporal split reproduces the shipped ml100k-temporal files exactly",
          .enabled(if: EvaluationData.available("ml-100k/u.data", "splits/ml100k-temporal/train.tsv"),
                   "shared/data/ml-100k/u.data or splits/ml100k-temporal is absent"))
    func reproducesShippedTemporal() throws {
        // u.data is `user<TAB>item<TAB>rating<TAB>timestamp`: the split files' 4-column form.
        let records = try SplitFiles.readDelimited(EvaluationData.path("ml-100k/u.data"))
        let data = try SplitFiles.matrices([records], paths: ["u.data"])[0]
        let t = Triplets(
            users: records.users.map { Int32(data.userIDs.index(of: $0)!) },
            items: records.items.map { Int32(data.itemIDs.index(of: $0)!) },
            values: records.values, timestamps: records.timestamps)
        let s = try Splits.temporal(
            t, users: data.users, items: data.items, userIDs: data.userIDs, itemIDs: data.itemIDs,
            trainFraction: 0.8, minimumTrainInteractions: 10)
        print("ml100k temporal split from u.data: train \(s.train.nonZeros), test \(s.test.nonZeros)")
        #expect(s.train.nonZeros == 80_000)
        #expect(s.test.nonZeros == 2_875)
        let shipped = try SplitFiles.load(
            train: EvaluationData.path("splits/ml100k-temporal/train.tsv"),
            test: EvaluationData.path("splits/ml100k-temporal/test.tsv"))
        // Same cells and values (the shipped files carry no timestamps).
        func withoutTime(_ c: [String]) -> [String] { c.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }.sorted() }
        #expect(withoutTime(cells(s.train)) == cells(shipped.train))
        #expect(withoutTime(cells(s.test)) == cells(shipped.test))
    }
}

@Suite("Split files: strict TSV and LightGCN readers over shared id maps")
struct SplitFileTests {
    func write(_ text: String, _ name: String = "f.tsv", in dir: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("train and test share one user map and one item map, ids ascending numerically")
    func sharedMaps() throws {
        let dir = try temporaryDirectory()
        let train = try write("10\t5\t4\n2\t100\t3.5\n", "train.tsv", in: dir)
        let test = try write("10\t7\t1\r\n30\t5\t2", "test.tsv", in: dir)
        let (a, b) = try SplitFiles.load(train: train, test: test)
        let users = try IDMap(integers: [2, 10, 30]), items = try IDMap(integers: [5, 7, 100])
        #expect(a.userIDs == users && a.itemIDs == items)
        #expect(b.userIDs == a.userIDs && b.itemIDs == a.itemIDs)
        #expect(cells(a) == ["10 5 4.0", "2 100 3.5"])
        #expect(cells(b) == ["10 7 1.0", "30 5 2.0"])
        #expect(a.byUser.count(of: 2) == 0)  // user 30 has only test rows
    }

    @Test("write then load returns the same cells, values and timestamps")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        var m = try sampleMatrix(seed: 21)
        let s = try Splits.random(m, testFraction: 0.2, seed: 8)
        try s.write(train: dir + "/train.tsv", test: dir + "/test.tsv")
        let (a, b) = try SplitFiles.load(train: dir + "/train.tsv", test: dir + "/test.tsv")
        #expect(cells(a) == cells(s.train) && cells(b) == cells(s.test))
        // Non-integral values come back bit-exact.
        let t = Triplets(users: [0, 1], items: [1, 0], values: [0.1, -2.5e-7])
        m = try InteractionMatrix(users: 2, items: 2, triplets: t)
        try SplitFiles.write(m, to: dir + "/v.tsv")
        let back = try SplitFiles.load([dir + "/v.tsv"])[0]
        #expect(back.byUser.values == m.byUser.values)
        #expect(try String(contentsOfFile: dir + "/v.tsv", encoding: .utf8) == "0\t1\t0.1\n1\t0\t-2.5e-07\n")
    }

    @Test("bad input is a malformedLine naming file, line and column",
          arguments: [
            ("1\t2\t3\n4\t5\tx\n", 2, 5),        // value not a number
            ("1\t2\t3\n4\t5\n", 2, 0),           // two fields
            ("1\t2\t3\n\n4\t5\t6\n", 2, 0),      // empty line
            ("1\tb\t3\n", 1, 3),                  // item id not an integer
            ("1\t2\tnan\n", 1, 5),               // not finite
            ("1\t2\t3\t9\n4\t5\t6\n", 2, 0),     // column count changes
            ("1\t2\t3\n1\t2\t4\n", 2, 0),        // duplicate cell
          ])
    func malformed(text: String, line: Int, column: Int) throws {
        let dir = try temporaryDirectory()
        let path = try write(text, in: dir)
        let error = #expect(throws: ALSError.self) { try SplitFiles.load([path]) }
        guard case let .malformedLine(file, l, c, _, reason, skippable) = error else {
            Issue.record("expected malformedLine, got \(String(describing: error))")
            return
        }
        #expect(file == path && l == line && c == column, "\(reason)")
        // Regression (malformedLineAdviceOnlyWhereSkippable): split files cannot skip lines, and
        // their errors once told the user to pass `skipInvalid: true` all the same.
        #expect(!skippable && error?.description.hasSuffix("). Fix the line.") == true, "\(String(describing: error))")
    }

    @Test("an empty file and a missing file are typed errors")
    func emptyAndMissing() throws {
        let dir = try temporaryDirectory()
        let empty = try write("", in: dir)
        #expect(throws: ALSError.emptyInput(file: empty)) { try SplitFiles.load([empty]) }
        #expect(throws: ALSError.self) { try SplitFiles.load([dir + "/missing.tsv"]) }
    }

    @Test("LightGCN train.txt/test.txt: one line per user, value 1, a user alone on a line allowed")
    func lightGCN() throws {
        let dir = try temporaryDirectory()
        let train = try write("0 3 1\n2 0\n5\n", "train.txt", in: dir)
        let test = try write("0 2\n2 4 3\n", "test.txt", in: dir)
        let (a, b) = try SplitFiles.loadLightGCN(train: train, test: test)
        let users = try IDMap(integers: [0, 2, 5]), items = try IDMap(integers: [0, 1, 2, 3, 4])
        #expect(a.userIDs == users && a.itemIDs == items)
        #expect(cells(a) == ["0 1 1.0", "0 3 1.0", "2 0 1.0"])
        #expect(cells(b) == ["0 2 1.0", "2 3 1.0", "2 4 1.0"])
        let bad = try write("0 1  2\n", "bad.txt", in: dir)
        #expect(throws: ALSError.self) { try SplitFiles.loadLightGCN(train: bad, test: test) }
    }

    @Test("Gowalla: the LightGCN files and their TSV conversion load to the same matrices",
          .enabled(if: EvaluationData.available("gowalla/train.txt", "splits/gowalla/train.tsv"),
                   "shared/data/gowalla or splits/gowalla is absent"))
    func gowallaFormatsAgree() throws {
        let txt = try SplitFiles.loadLightGCN(
            train: EvaluationData.path("gowalla/train.txt"), test: EvaluationData.path("gowalla/test.txt"))
        let tsv = try SplitFiles.load(
            train: EvaluationData.path("splits/gowalla/train.tsv"), test: EvaluationData.path("splits/gowalla/test.tsv"))
        #expect(txt.train.nonZeros == 810_128 && txt.test.nonZeros == 217_242)
        #expect(txt.train.users == 29_858 && txt.train.items == 40_981)
        #expect(txt.train.byUser == tsv.train.byUser && txt.test.byUser == tsv.test.byUser)
    }
}
