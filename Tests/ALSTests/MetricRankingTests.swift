import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// A train/test pair over 6 items and 5 users, with a fixed score table, worked by hand below.
///
/// | user | train | test    | scores                          | top-2 (train excluded) |
/// |------|-------|---------|---------------------------------|------------------------|
/// | 0    | 0     | 2, 5    | .9 .8 .7 .6 .5 .4               | 1, 2                   |
/// | 1    | 1, 3  | 0, 2, 5 | all 1 (ties → lower index)      | 0, 2                   |
/// | 2    | 4     | —       | (not evaluated)                 |                        |
/// | 3    | 4     | 4, 3    | .1 .2 .3 .4 9 .35               | 3, 5 (4 is train)      |
/// | 4    | —     | 5       | 5 4 0 0 0 0                     | 0, 1                   |
enum HandExample {
    static let scores: [[Float]] = [
        [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
        [1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0],
        [0.1, 0.2, 0.3, 0.4, 9, 0.35],
        [5, 4, 0, 0, 0, 0],
    ]
    static let lists: [[Int32]] = [[1, 2], [0, 2], [], [3, 5], [0, 1]]

    static func matrix(_ rows: [[Int32]]) throws -> InteractionMatrix {
        var t = Triplets()
        for (u, row) in rows.enumerated() {
            for i in row {
                t.users.append(Int32(u))
                t.items.append(i)
                t.values.append(1)
            }
        }
        return try InteractionMatrix(users: rows.count, items: 6, triplets: t)
    }

    static func evaluator() throws -> RankingEvaluator {
        try RankingEvaluator(
            train: matrix([[0], [1, 3], [4], [4], []]),
            test: matrix([[2, 5], [0, 2, 5], [], [4, 3], [5]]))
    }
}

@Suite("Ranking metrics: hand-computed figures")
struct MetricRankingTests {
    @Test("one user: precision, recall, capped recall, NDCG, MAP and hit rate")
    func oneUser() {
        // K = 5, list [3, 7, 1, 9, 4], test {1, 4, 8}: hits at j = 2 and j = 4, hits = 2, m = 3.
        let f = RankingMetrics.user(recommended: [3, 7, 1, 9, 4], relevant: [1, 4, 8], k: 5)
        #expect(f.precision == 0.4)                                   // 2 / 5
        #expect(abs(f.recall - 2.0 / 3) < 1e-12)                      // 2 / 3
        #expect(abs(f.cappedRecall - 2.0 / 3) < 1e-12)                // 2 / min(5, 3)
        // DCG = 1/log2(4) + 1/log2(6) = 0.5 + 0.386853 = 0.886853;
        // IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.130930; NDCG = 0.416181.
        #expect(abs(f.ndcg - 0.416181) < 1e-6)
        // AP = (1/3)(1/3 + 2/5) = 0.244444.
        #expect(abs(f.averagePrecision - 0.244444) < 1e-6)
        #expect(f.hit == 1)
    }

    @Test("capped recall differs from recall when the test row is longer than K")
    func capped() {
        // K = 2, list [8, 1], test {2, 4, 6, 8}: one hit at j = 0; m = 2.
        let f = RankingMetrics.user(recommended: [8, 1], relevant: [2, 4, 6, 8], k: 2)
        #expect(f.recall == 0.25)              // 1 / 4
        #expect(f.cappedRecall == 0.5)         // 1 / min(2, 4)
        #expect(f.precision == 0.5)            // 1 / 2
        #expect(abs(f.ndcg - 0.613147) < 1e-6) // 1 / (1 + 1/log2(3))
        #expect(f.averagePrecision == 0.5)     // (1/2)(1/1)
        let miss = RankingMetrics.user(recommended: [1, 3], relevant: [2], k: 2)
        #expect(miss == .init())
    }

    @Test("AUC: positives above negatives, ties count one half, train items left out")
    func auc() throws {
        // Scores .9 .8 .7 .6 .5 .4, train {0}, test {2, 5}: positives 2 (.7), 5 (.4); negatives
        // 1 (.8), 3 (.6), 4 (.5). Item 2 beats 3 and 4, item 5 beats none: 2 / (2 · 3) = 1/3.
        let a = RankingMetrics.auc(scores: HandExample.scores[0], train: [0], test: [2, 5])
        #expect(abs(a! - 1.0 / 3) < 1e-12)
        // All tied: 0.5. No positive left after removing train items: undefined.
        #expect(RankingMetrics.auc(scores: [1, 1, 1, 1], train: [1], test: [0, 2]) == 0.5)
        #expect(RankingMetrics.auc(scores: [1, 2, 3], train: [1], test: [1]) == nil)
    }

    @Test("the evaluator averages the hand example over the four users with test items")
    func evaluatorHandExample() throws {
        let e = try HandExample.evaluator()
        #expect(e.evaluatedUsers == [0, 1, 3, 4])
        let m = try e.evaluate(k: 2) { u, s in s = HandExample.scores[u] }
        // Per user (precision, recall, capped, NDCG, AP, hit):
        //   0: .5, .5,  .5, 0.386853, .25, 1   (hit at j = 1, m = 2)
        //   1: 1,  2/3, 1,  1,        1,   1   (hits at j = 0, 1, m = 2)
        //   3: .5, .5,  .5, 0.613147, .5,  1   (hit at j = 0, test item 4 is train: a miss)
        //   4: 0,  0,   0,  0,        0,   0
        #expect(m.users == 4 && m.k == 2)
        #expect(m.precision == 0.5)                         // 2 / 4
        #expect(abs(m.recall - 5.0 / 12) < 1e-12)           // (5/3) / 4
        #expect(m.cappedRecall == 0.5)                      // 2 / 4
        #expect(abs(m.ndcg - 0.5) < 1e-12)                  // (0.386853 + 1 + 0.613147) / 4
        #expect(m.map == 0.4375)                            // 1.75 / 4
        #expect(m.hitRate == 0.75)
        // AUC per user: 1/3; 0.5 (all tied); 1 (item 3 above 0, 1, 2, 5); user 4: positive 5
        // (score 0) ties with 2, 3, 4 and loses to 0, 1: 1.5 / 5 = 0.3. Mean 0.533333.
        #expect(abs(m.auc! - (1.0 / 3 + 0.5 + 1 + 0.3) / 4) < 1e-12 && m.aucUsers == 4)
        // Lists {1, 2}, {0, 2}, {3, 5}, {0, 1}: five of the six items.
        #expect(abs(m.coverage - 5.0 / 6) < 1e-12)
    }

    @Test("precomputed top-K lists give the same figures, without AUC")
    func topKProvider() throws {
        let e = try HandExample.evaluator()
        let byScores = try e.evaluate(k: 2) { u, s in s = HandExample.scores[u] }
        let byLists = try e.evaluate(k: 2) { u, _, _ in HandExample.lists[u] }
        #expect(byLists.auc == nil && byLists.aucUsers == 0)
        #expect(byLists.ndcg == byScores.ndcg && byLists.map == byScores.map && byLists.recall == byScores.recall)
        #expect(byLists.coverage == byScores.coverage)
        // A list with a train item, a repeated item or too many items is rejected.
        #expect(throws: ALSError.self) { try e.evaluate(k: 2) { _, _, _ in [0, 0] } }
        #expect(throws: ALSError.self) { try e.evaluate(k: 2) { u, _, exclude in Array(exclude.prefix(1)) + [5] } }
        #expect(throws: ALSError.self) { try e.evaluate(k: 2) { _, _, _ in [2, 3, 5] } }
    }

    @Test("ties go to the lower item index, train items never appear")
    func tiesAndExclusion() {
        #expect(RankingEvaluator.topK([1, 3, 3, 2, 3], k: 2, excluding: []) == [1, 2])
        #expect(RankingEvaluator.topK([1, 3, 3, 2, 3], k: 2, excluding: [1]) == [2, 4])
        #expect(RankingEvaluator.topK([1, 3, 3, 2, 3], k: 9, excluding: [0, 2]) == [1, 4, 3])
        // The best-scored items are all train items: none may be returned.
        #expect(RankingEvaluator.topK([9, 9, 1, 0, 9], k: 2, excluding: [0, 1, 4]) == [2, 3])
    }

    @Test("heap selection equals a full sort with ties to the lower index", arguments: [1, 2, 3] as [UInt64])
    func topKMatchesSort(seed: UInt64) {
        var rng = _SplitMix64(seed: seed)
        for _ in 0 ..< 50 {
            let n = 1 + rng.below(60)
            // Few distinct values, so ties are everywhere.
            let scores: [Float] = (0 ..< n).map { _ in Float(rng.below(5)) }
            let excluded: [Int32] = (0 ..< Int32(n)).filter { _ in rng.below(2) == 0 }
            let k = 1 + rng.below(12)
            func better(_ a: Int32, _ b: Int32) -> Bool {
                let sa = scores[Int(a)], sb = scores[Int(b)]
                return sa > sb || (sa == sb && a < b)
            }
            let candidates: [Int32] = (0 ..< Int32(n)).filter { !excluded.contains($0) }
            let expected = Array(candidates.sorted(by: better).prefix(k))
            #expect(RankingEvaluator.topK(scores, k: k, excluding: excluded[...]) == expected)
        }
    }

    @Test("NaN scores rank last")
    func nanScores() throws {
        let e = try HandExample.evaluator()
        let m = try e.evaluate(k: 2) { u, s in
            s = HandExample.scores[u]
            if u == 4 { s[0] = .nan; s[1] = .nan }  // user 4's top-2 becomes 2, 3: still a miss
        }
        #expect(m.hitRate == 0.75)
    }

    @Test("parallel evaluation is deterministic and equals a one-user-at-a-time reference")
    func deterministic() throws {
        let train = try sampleMatrix(users: 300, items: 50, count: 3000, seed: 31)
        let split = try Splits.perUser(train, testFraction: 0.3, seed: 2)
        let e = try RankingEvaluator(train: split.train, test: split.test)
        let ranker = RandomRanker(seed: 77)
        let a = try e.evaluate(k: 5, scorer: ranker), b = try e.evaluate(k: 5, scorer: ranker)
        #expect(a == b)
        var ndcg = 0.0
        for u in e.evaluatedUsers.map(Int.init) {
            var s = [Float](repeating: 0, count: 50)
            ranker.scoreItems(user: u, into: &s)
            let exclude = split.train.byUser.innerIndices[split.train.byUser.range(of: u)]
            let top = RankingEvaluator.topK(s, k: 5, excluding: exclude)
            #expect(!top.contains { exclude.contains($0) })
            ndcg += RankingMetrics.user(
                recommended: top, relevant: split.test.byUser.innerIndices[split.test.byUser.range(of: u)], k: 5).ndcg
        }
        #expect(a.ndcg == ndcg / Double(e.evaluatedUsers.count))
        #expect(try e.evaluate(k: 5, scorer: RandomRanker(seed: 78)) != a)
    }

    @Test("an ALSModel is scored through its batch top-K, with the full-scan figures of score(user:item:)")
    func modelPath() throws {
        let split = try Splits.perUser(try sampleMatrix(users: 20, items: 15, count: 200, seed: 41), testFraction: 0.3, seed: 1)
        let model = try randomModel(users: 20, items: 15, k: 3, split.train)
        let e = try RankingEvaluator(train: split.train, test: split.test)
        for k in [1, 4, 15] {
            let viaModel = try e.evaluate(k: k, model: model)
            let viaScan = try e.evaluate(k: k, scorer: RankingEvaluator.scorer(for: model, matching: split.train))
            #expect(viaModel.auc == nil && viaScan.auc != nil)
            #expect(viaModel.ndcg == viaScan.ndcg && viaModel.recall == viaScan.recall && viaModel.map == viaScan.map)
            #expect(viaModel.precision == viaScan.precision && viaModel.coverage == viaScan.coverage)
        }
        // A split whose user ids are not the model's is refused.
        let reversed = try IDMap(integers: (0 ..< 20).map { Int64(1000 + 3 * (19 - $0)) })
        let other = try RankingEvaluator(train: InteractionMatrix(byUser: split.train.byUser, userIDs: reversed, itemIDs: split.train.itemIDs),
                                         test: InteractionMatrix(byUser: split.test.byUser, userIDs: reversed, itemIDs: split.test.itemIDs))
        #expect(throws: ALSError.self) { try other.evaluate(k: 4, model: model) }
    }

    @Test("a split re-indexed over a model's maps: unknown test items are misses, unknown users get no list")
    func alignedSplit() throws {
        // The model knows users 10, 11 and items 100, 101, 102; the split numbers its own ids,
        // with user 9 and item 99 new to the model.
        let modelUsers = try IDMap(integers: [10, 11]), modelItems = try IDMap(integers: [100, 101, 102])
        let model = try ALSModel(
            factors: 1, userFactors: [1, -1], itemFactors: [3, 2, 1], userIDs: modelUsers, itemIDs: modelItems,
            configuration: ALSConfiguration.plain(mode: .implicit))
        let ids = (users: try IDMap(integers: [9, 10, 11]), items: try IDMap(integers: [99, 100, 101, 102]))
        func matrix(_ cells: [(Int32, Int32)]) throws -> InteractionMatrix {
            try InteractionMatrix(users: 3, items: 4, triplets: Triplets(
                users: cells.map(\.0), items: cells.map(\.1), values: cells.map { _ in 1 }), userIDs: ids.users, itemIDs: ids.items)
        }
        // Train: user 10 saw item 100. Test: user 10 → 101 and 99; user 11 → 100; user 9 → 102.
        let split = DataSplit(train: try matrix([(1, 1)]), test: try matrix([(1, 2), (1, 0), (2, 1), (0, 3)]))
        let aligned = try model.aligned(split)
        #expect(aligned.unknownUsers == 1 && aligned.unknownItems == 1 && aligned.unknownTestEntries == 2)
        #expect(aligned.split.train.userIDs == (try IDMap(integers: [10, 11, 9])))
        #expect(aligned.split.train.itemIDs == (try IDMap(integers: [100, 101, 102, 99])))
        let m = try RankingEvaluator(train: aligned.split.train, test: aligned.split.test).evaluate(k: 1, model: model)
        // User 10: top-1 of {101, 102} is 101 (score 2): a hit of 2 test items, recall 1/2.
        // User 11: scores −3, −2, −1: top-1 is 102, a miss. User 9: unknown, no list, a miss.
        #expect(m.users == 3 && abs(m.recall - 0.5 / 3) < 1e-12 && abs(m.hitRate - 1.0 / 3) < 1e-12)
        #expect(throws: ALSError.self) { try RankingEvaluator(train: split.train, test: split.test).evaluate(k: 1, model: model) }
    }

    @Test("train and test must share id maps; an empty test is refused")
    func mismatches() throws {
        let a = try HandExample.matrix([[0], [1]])
        let b = try InteractionMatrix(byUser: a.byUser, userIDs: IDMap(integers: [5, 6]))
        #expect(throws: ALSError.self) { try RankingEvaluator(train: a, test: b) }
        #expect(throws: ALSError.self) { try RankingEvaluator(train: a, test: HandExample.matrix([[], []])) }
        #expect(throws: ALSError.self) { try HandExample.evaluator().evaluate(k: 0) { _, _ in } }
    }
}

/// A model with factors drawn uniformly from [−1, 1] on a grid of 1/1000, over `train`'s maps.
func randomModel(users: Int, items: Int, k: Int, _ train: InteractionMatrix, seed: UInt64 = 5) throws -> ALSModel {
    var rng = _SplitMix64(seed: seed)
    return try ALSModel(
        factors: k, userFactors: (0 ..< users * k).map { _ in Float(rng.below(2001)) / 1000 - 1 },
        itemFactors: (0 ..< items * k).map { _ in Float(rng.below(2001)) / 1000 - 1 },
        userIDs: train.userIDs, itemIDs: train.itemIDs, configuration: ALSConfiguration.plain(mode: .implicit))
}
