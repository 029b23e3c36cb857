/// A train/test pair over the same index spaces: `train.userIDs == test.userIDs`,
/// `train.itemIDs == test.itemIDs`, and dense index `u` names the same user in both.
public struct DataSplit: Sendable {
    public let train: InteractionMatrix
    public let test: InteractionMatrix

    @_spi(Engine) public init(train: InteractionMatrix, test: InteractionMatrix) {
        self.train = train
        self.test = test
    }

    /// Writes both parts as `user<TAB>item<TAB>value[<TAB>timestamp]` with external ids
    /// (see `SplitFiles.write`).
    @_spi(Engine) public func write(train trainPath: String, test testPath: String) throws {
        try SplitFiles.write(train, to: trainPath)
        try SplitFiles.write(test, to: testPath)
    }
}

/// A strong-generalisation split (as in Liang et al., "Variational Autoencoders for Collaborative
/// Filtering", 2018): the held-out users are absent from `train`; each one's row is divided
/// into `foldIn` (shown to the model at evaluation time, e.g. to fold the user in) and `target`
/// (what the metrics score). All three share the input's index spaces and id maps.
@_spi(Engine) public struct StrongGeneralizationSplit: Sendable {
    /// Every interaction of the users that are not held out.
    public let train: InteractionMatrix
    /// The held-out users' fold-in interactions.
    public let foldIn: InteractionMatrix
    /// The held-out users' target interactions.
    public let target: InteractionMatrix
    /// Dense indices of the held-out users, ascending.
    public let heldOutUsers: [Int32]

    /// Writes the three parts as `SplitFiles.write` does; `SplitFiles.load([train, foldIn,
    /// target])` reads them back over shared id maps.
    public func write(train trainPath: String, foldIn foldInPath: String, target targetPath: String) throws {
        try SplitFiles.write(train, to: trainPath)
        try SplitFiles.write(foldIn, to: foldInPath)
        try SplitFiles.write(target, to: targetPath)
    }
}

/// Seeded, reproducible train/test splits. Each returns matrices over the same dense index
/// spaces and id maps as the input (a user with no test interactions simply has an empty test
/// row), so a model trained on `train` can be scored on `test` without remapping.
///
/// Unless a split says otherwise its parts partition the input: every entry lands in exactly one
/// part, with its value, timestamp and weight. The same input and seed give the same split on
/// every platform and Swift version (the generator is SplitMix64, and the draws are the
/// library's own).
///
/// Counts taken as a fraction of `n` are `floor(n · fraction)`, with a 1e-9 tolerance so that
/// `10 · 0.3` counts as 3 despite 0.3 having no exact binary form; this matches the
/// `n // 5` of the shipped per-user splits for a fraction of 0.2.
public enum Splits {
    /// Test entries drawn uniformly from all entries: exactly `floor(nnz · testFraction)` of them.
    /// (The shipped mlsmall-random split used numpy's generator, so the same rule with our
    /// generator gives a different, equally random, draw.)
    public static func random(_ data: InteractionMatrix, testFraction: Double, seed: UInt64) throws -> DataSplit {
        try checkFraction(testFraction, "testFraction")
        var rng = _SplitMix64(seed: seed)
        var positions = Array(0 ..< data.nonZeros)
        let testCount = count(of: data.nonZeros, fraction: testFraction)
        rng.choose(testCount, from: &positions)
        var assignment = [Int8](repeating: 0, count: data.nonZeros)
        for p in positions.prefix(testCount) { assignment[p] = 1 }
        return try pair(partition(data, parts: 2, assignment: assignment))
    }

    /// Per-user random split: each user with `n` interactions sends `floor(n · testFraction)` of
    /// them, chosen uniformly, to test (so with 0.2 a user with fewer than 5 stays all train, as
    /// in the shipped ml100k-implicit split). Users are processed in ascending order.
    public static func perUser(_ data: InteractionMatrix, testFraction: Double, seed: UInt64) throws -> DataSplit {
        try checkFraction(testFraction, "testFraction")
        var rng = _SplitMix64(seed: seed)
        var assignment = [Int8](repeating: 0, count: data.nonZeros)
        for u in 0 ..< data.users {
            let row = data.byUser.range(of: u)
            markRandom(count(of: row.count, fraction: testFraction), of: row, as: 1, in: &assignment, using: &rng)
        }
        return try pair(partition(data, parts: 2, assignment: assignment))
    }

    /// How `leaveKOut` picks the held-out interactions of a user.
    @_spi(Engine) public enum LeaveOutSelection: Sendable, Equatable {
        /// The `k` latest by timestamp; equal timestamps are ordered by item index, so the
        /// higher index counts as later. Needs timestamps.
        case latest
        /// `k` chosen uniformly at random.
        case random(seed: UInt64)
    }

    /// Leave-k-out: `k` interactions of every user go to test. A user with `k` or fewer
    /// interactions stays entirely in train, so every test user keeps at least one train item.
    @_spi(Engine) public static func leaveKOut(_ data: InteractionMatrix, k: Int = 1, selection: LeaveOutSelection = .latest) throws -> DataSplit {
        guard k >= 1 else {
            throw ALSError.invalidConfiguration(parameter: "k", reason: "must be at least 1, got \(k)")
        }
        var assignment = [Int8](repeating: 0, count: data.nonZeros)
        switch selection {
        case .latest:
            let times = try requireTimestamps(data, "leave-k-out by time")
            let items = data.byUser.innerIndices
            for u in 0 ..< data.users {
                let row = data.byUser.range(of: u)
                guard row.count > k else { continue }
                let latest = row.sorted { (times[$0], items[$0]) > (times[$1], items[$1]) }
                for p in latest.prefix(k) { assignment[p] = 1 }
            }
        case .random(let seed):
            var rng = _SplitMix64(seed: seed)
            for u in 0 ..< data.users {
                let row = data.byUser.range(of: u)
                guard row.count > k else { continue }
                markRandom(k, of: row, as: 1, in: &assignment, using: &rng)
            }
        }
        return try pair(partition(data, parts: 2, assignment: assignment))
    }

    /// Strong generalisation: `floor(m · heldOutFraction)` of the `m` users with at least one
    /// interaction are held out, uniformly at random; each held-out user's row is split per user
    /// as in `perUser`, `floor(n · targetFraction)` entries to `target` and the rest to `foldIn`.
    @_spi(Engine) public static func strongGeneralization(
        _ data: InteractionMatrix, heldOutFraction: Double, targetFraction: Double = 0.2, seed: UInt64
    ) throws -> StrongGeneralizationSplit {
        try checkFraction(heldOutFraction, "heldOutFraction")
        try checkFraction(targetFraction, "targetFraction")
        var rng = _SplitMix64(seed: seed)
        var candidates = (0 ..< data.users).filter { data.byUser.count(of: $0) > 0 }.map { Int32($0) }
        let heldOutCount = count(of: candidates.count, fraction: heldOutFraction)
        rng.choose(heldOutCount, from: &candidates)
        let heldOut = candidates.prefix(heldOutCount).sorted()
        var assignment = [Int8](repeating: 0, count: data.nonZeros)
        for u in heldOut {
            let row = data.byUser.range(of: Int(u))
            for p in row { assignment[p] = 1 }
            markRandom(count(of: row.count, fraction: targetFraction), of: row, as: 2, in: &assignment, using: &rng)
        }
        let parts = try partition(data, parts: 3, assignment: assignment)
        return StrongGeneralizationSplit(train: parts[0], foldIn: parts[1], target: parts[2], heldOutUsers: heldOut)
    }

    /// The validation fraction of `validation(from:fraction:seed:)`, the searches and `als tune`:
    /// one default in one place.
    @_spi(Engine) public static let defaultValidationFraction = 0.2

    /// Carves a validation split out of a train matrix, for choosing hyperparameters without
    /// looking at the test set: a per-user random split (`perUser`), because every validation
    /// user must keep train interactions for ALS to have learnt a factor for them. The default
    /// fraction, 0.2 (`defaultValidationFraction`, which the searches of `ALSTuning` and `als
    /// tune` use too), leaves 80% of the train data to fit on.
    public static func validation(from train: InteractionMatrix, fraction: Double = 0.2, seed: UInt64) throws -> DataSplit {
        try perUser(train, testFraction: fraction, seed: seed)
    }
}

// MARK: - Shared machinery

extension Splits {
    /// `floor(n · fraction)` with the tolerance described on `Splits`.
    static func count(of n: Int, fraction: Double) -> Int {
        min(n, Int((Double(n) * fraction + 1e-9).rounded(.down)))
    }

    static func checkFraction(_ f: Double, _ name: String) throws {
        guard f >= 0, f <= 1 else {
            throw ALSError.invalidConfiguration(parameter: name, reason: "must be between 0 and 1, got \(f)")
        }
    }

    static func requireTimestamps(_ data: InteractionMatrix, _ what: String) throws -> [Int64] {
        guard let t = data.byUser.timestamps else {
            throw ALSError.invalidConfiguration(
                parameter: "split",
                reason: "a \(what) split needs timestamps, and this matrix has none; load the data with its timestamp column, or use a random split")
        }
        return t
    }

    /// Assigns `count` entries of `row`, chosen uniformly, to `part`.
    static func markRandom(
        _ count: Int, of row: Range<Int>, as part: Int8, in assignment: inout [Int8], using rng: inout _SplitMix64
    ) {
        guard count > 0 else { return }
        var positions = Array(row)
        rng.choose(count, from: &positions)
        for p in positions.prefix(count) { assignment[p] = part }
    }

    static func pair(_ parts: [InteractionMatrix]) -> DataSplit {
        DataSplit(train: parts[0], test: parts[1])
    }

    /// Splits the entries of `m` into `parts` matrices with `m`'s shape and id maps: entry `p`
    /// (in CSR order) goes to part `assignment[p]`, or to none when that is negative. Rows stay
    /// sorted because each part keeps the CSR order. O(nnz + users · parts).
    static func partition(_ m: InteractionMatrix, parts: Int, assignment: [Int8]) throws -> [InteractionMatrix] {
        let A = m.byUser
        precondition(assignment.count == A.nonZeros, "one assignment per entry")
        let Ai = A.innerIndices, Ax = A.values, At = A.timestamps, Aw = A.weights
        var Bp = [[Int64]](repeating: [0], count: parts)
        var Bi = [[Int32]](repeating: [], count: parts)
        var Bx = [[Float]](repeating: [], count: parts)
        var Bt = [[Int64]](repeating: [], count: parts)
        var Bw = [[Float]](repeating: [], count: parts)
        for u in 0 ..< A.outerCount {
            for p in A.range(of: u) {
                let q = Int(assignment[p])
                guard q >= 0 else { continue }
                Bi[q].append(Ai[p])
                Bx[q].append(Ax[p])
                if let At { Bt[q].append(At[p]) }
                if let Aw { Bw[q].append(Aw[p]) }
            }
            for q in 0 ..< parts { Bp[q].append(Int64(Bi[q].count)) }
        }
        return try (0 ..< parts).map { q in
            let csr = CompressedMatrix(
                outerCount: A.outerCount, innerCount: A.innerCount, outerOffsets: Bp[q], innerIndices: Bi[q],
                values: Bx[q], timestamps: At == nil ? nil : Bt[q], weights: Aw == nil ? nil : Bw[q])
            return try InteractionMatrix(byUser: csr, userIDs: m.userIDs, itemIDs: m.itemIDs)
        }
    }
}
