import Dispatch
import Synchronization

/// Scores a recommender on a train/test split with the metrics of `RankingMetrics`.
///
/// Every user with at least one test item is evaluated: the user's train items are removed from
/// the candidates, the K best-scored remaining items are taken with ties going to the lower item
/// index, and the figures are averaged over users. Users are spread over all cores with
/// `DispatchQueue.concurrentPerform` in fixed chunks; each user's figures land in its own slot
/// and are summed in user order afterwards, so the result does not depend on the thread count
/// or the scheduling.
public struct RankingEvaluator: Sendable {
    public let train: InteractionMatrix
    public let test: InteractionMatrix
    /// The evaluated users (at least one test item), ascending.
    public let evaluatedUsers: [Int32]

    /// Fills `scores` (one entry per item, zeros on entry) with dense user `user`'s scores.
    @_spi(Engine) public typealias Scorer = @Sendable (_ user: Int, _ scores: inout [Float]) -> Void
    /// Returns dense user `user`'s at most `k` best items, best first, distinct and none of them
    /// in `exclude` (the user's train row, sorted ascending).
    @_spi(Engine) public typealias TopKProvider = @Sendable (_ user: Int, _ k: Int, _ exclude: ArraySlice<Int32>) -> [Int32]

    /// Throws `shapeMismatch` unless train and test share shape and id maps (as every split and
    /// `SplitFiles` loader here guarantees), and `invalidConfiguration` when no user has a test
    /// item.
    public init(train: InteractionMatrix, test: InteractionMatrix) throws {
        guard train.users == test.users, train.items == test.items,
              train.userIDs == test.userIDs, train.itemIDs == test.itemIDs else {
            throw ALSError.shapeMismatch(
                "train is \(train.users)×\(train.items) and test \(test.users)×\(test.items), or their id maps differ; build both from one split (Splits, SplitFiles.load) so they share id maps")
        }
        self.train = train
        self.test = test
        evaluatedUsers = (0 ..< test.users).filter { test.byUser.count(of: $0) > 0 }.map { Int32($0) }
        guard !evaluatedUsers.isEmpty else {
            throw ALSError.invalidConfiguration(parameter: "test", reason: "no user has a test interaction; pass a non-empty test matrix")
        }
    }

    /// Evaluates a scorer that fills every item's score for a user. NaN scores rank last.
    @_spi(Engine) public func evaluate(k: Int, scorer: Scorer) throws -> RankingMetrics {
        try checkK(k)
        let items = train.items
        return try run(k: k) { u, exclude, relevant in
            var scores = [Float](repeating: 0, count: items)
            scorer(u, &scores)
            guard scores.count == items else {
                throw ALSError.shapeMismatch("the scorer returned \(scores.count) scores for user \(u), expected \(items); write into the array without resizing it")
            }
            for i in 0 ..< items where scores[i].isNaN { scores[i] = -.infinity }
            let top = Self.topK(scores, k: k, excluding: exclude)
            return (top, RankingMetrics.auc(scores: scores, train: exclude, test: relevant))
        }
    }

    /// Evaluates an `ItemScorer` (a baseline, say).
    @_spi(Engine) public func evaluate(k: Int, scorer: some ItemScorer) throws -> RankingMetrics {
        try evaluate(k: k) { u, scores in scorer.scoreItems(user: u, into: &scores) }
    }

    /// Evaluates precomputed top-K lists (a serving path's batch top-K, say). AUC is nil because
    /// it needs every score. Throws `invalidConfiguration` when a list is longer than `k`, holds
    /// an item twice, an item out of range or a train item.
    @_spi(Engine) public func evaluate(k: Int, topK provider: TopKProvider) throws -> RankingMetrics {
        try checkK(k)
        let items = train.items
        return try run(k: k) { u, exclude, _ in
            let top = provider(u, k, exclude)
            let distinct = Set(top)
            guard top.count <= k, distinct.count == top.count,
                  top.allSatisfy({ $0 >= 0 && Int($0) < items && !RankingMetrics.contains(exclude, $0) }) else {
                throw ALSError.invalidConfiguration(
                    parameter: "topK provider",
                    reason: "user \(u) got \(top) for k = \(k); return at most k distinct item indices in 0..<\(items), none of them in the user's train row")
            }
            return (top, nil)
        }
    }

    func checkK(_ k: Int) throws {
        guard k >= 1 else { throw ALSError.invalidConfiguration(parameter: "k", reason: "must be at least 1, got \(k)") }
    }

    /// One evaluated user's work: given (user, train row, test row), its top-K list and AUC.
    typealias UserWork = (Int, ArraySlice<Int32>, ArraySlice<Int32>) throws -> ([Int32], Double?)

    /// Runs `work` for every evaluated user in parallel and averages the figures in user order.
    func run(k: Int, _ work: UserWork) throws -> RankingMetrics {
        let n = evaluatedUsers.count
        var figures = [RankingMetrics.UserFigures](repeating: .init(), count: n)
        var aucs = [Double](repeating: .nan, count: n)
        var lists = [Int32](repeating: -1, count: n * k)
        try figures.withUnsafeMutableBufferPointer { figures in
            try aucs.withUnsafeMutableBufferPointer { aucs in
                try lists.withUnsafeMutableBufferPointer { lists in
                    // Each chunk writes only the slots of its own users.
                    nonisolated(unsafe) let (figures, aucs, lists) = (figures, aucs, lists)
                    try _parallelFor(count: n, threads: System.coreCount, chunk: 32) { slots, _ in
                        for slot in slots {
                            let u = Int(evaluatedUsers[slot])
                            let exclude = train.byUser.innerIndices[train.byUser.range(of: u)]
                            let relevant = test.byUser.innerIndices[test.byUser.range(of: u)]
                            let (top, auc) = try work(u, exclude, relevant)
                            figures[slot] = RankingMetrics.user(recommended: top, relevant: relevant, k: k)
                            aucs[slot] = auc ?? .nan
                            for (j, item) in top.enumerated() { lists[slot * k + j] = item }
                        }
                    }
                }
            }
        }
        var sum = RankingMetrics.UserFigures()
        for f in figures {
            sum.precision += f.precision
            sum.recall += f.recall
            sum.cappedRecall += f.cappedRecall
            sum.ndcg += f.ndcg
            sum.averagePrecision += f.averagePrecision
            sum.hit += f.hit
        }
        let defined = aucs.filter { !$0.isNaN }
        var recommended = [Bool](repeating: false, count: train.items)
        for item in lists where item >= 0 { recommended[Int(item)] = true }
        let N = Double(n)
        return RankingMetrics(
            k: k, users: n, precision: sum.precision / N, recall: sum.recall / N,
            cappedRecall: sum.cappedRecall / N, ndcg: sum.ndcg / N, map: sum.averagePrecision / N,
            hitRate: sum.hit / N, auc: defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count),
            aucUsers: defined.count, coverage: Double(recommended.filter { $0 }.count) / Double(max(1, train.items)))
    }
}
