import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Train ratings: user 0 rated item 0 = 5 and item 1 = 3; user 1 item 0 = 4; user 2 item 1 = 1
/// and item 2 = 2. Item 3 is never rated. μ = 15 / 5 = 3.
func baselineTrain() throws -> InteractionMatrix {
    try InteractionMatrix(users: 3, items: 4, triplets: Triplets(
        users: [0, 0, 1, 2, 2], items: [0, 1, 0, 1, 2], values: [5, 3, 4, 1, 2]))
}

@Suite("Baselines: global mean, item bias, user + item bias, popularity, random")
struct BaselineTests {
    @Test("global mean and undamped item bias by hand")
    func itemBias() throws {
        let train = try baselineTrain()
        #expect(BaselinePredictor.globalMean(train).predict(user: 1, item: 2) == 3)
        // Residuals: item 0 {2, 1} → 1.5; item 1 {0, −2} → −1; item 2 {−1} → −1; item 3 none → 0.
        let b = BaselinePredictor.itemBias(train)
        #expect(b.itemBiases == [1.5, -1, -1, 0])
        #expect(b.predict(user: 2, item: 0) == 4.5)
        #expect(b.predict(user: 0, item: 3) == 3)  // unseen item: global mean
    }

    @Test("damped item bias shrinks towards the mean: Σ residual / (damping + n)")
    func damped() throws {
        // Damping 1: item 0 3/3 = 1; item 1 −2/3; item 2 −1/2; item 3 0.
        let b = BaselinePredictor.dampedItemBias(try baselineTrain(), damping: 1)
        #expect(b.itemBiases == [1, Float(-2.0 / 3), -0.5, 0])
    }

    @Test("user + item bias: one alternating pass by hand, and the objective falls pass by pass")
    func userItemBias() throws {
        let train = try baselineTrain()
        // One pass, λ_u = λ_i = 1. Items first (b_u = 0): as the damped case, [1, −2/3, −1/2, 0].
        // Users: u0 ((5−3−1) + (3−3+2/3)) / 3 = 0.555556; u1 (4−3−1) / 2 = 0;
        // u2 ((1−3+2/3) + (2−3+1/2)) / 3 = −0.611111.
        let b = BaselinePredictor.userItemBias(train, userRegularization: 1, itemRegularization: 1, iterations: 1)
        #expect(abs(b.userBiases[0] - 0.555556) < 1e-6 && b.userBiases[1] == 0 && abs(b.userBiases[2] + 0.611111) < 1e-6)
        #expect(abs(b.predict(user: 0, item: 0) - 4.555556) < 1e-6)
        // Each pass solves one side exactly, so the regularised objective never increases (up to
        // the Float rounding of the stored biases).
        func objective(_ b: BaselinePredictor) -> Double {
            var loss = 0.0
            for u in 0 ..< 3 {
                for p in train.byUser.range(of: u) {
                    let e = Double(train.byUser.values[p]) - Double(b.predict(user: u, item: Int(train.byUser.innerIndices[p])))
                    loss += e * e
                }
            }
            return loss + b.userBiases.reduce(0) { $0 + Double($1 * $1) } * 15 + b.itemBiases.reduce(0) { $0 + Double($1 * $1) } * 10
        }
        var previous = Double.infinity
        for n in 1 ... 6 {
            let loss = objective(BaselinePredictor.userItemBias(train, iterations: n))
            #expect(loss <= previous * (1 + 1e-6))
            previous = loss
        }
        #expect(BaselinePredictor.userItemBias(train, clamp: 2 ... 4).predict(user: 0, item: 0) <= 4)
    }

    @Test("popularity ranks by train count, ties to the lower index; scores and top-K agree")
    func popularity() throws {
        // Counts: item 0 2, item 1 2, item 2 1, item 3 0 → ranking 0, 1, 2, 3.
        let train = try baselineTrain()
        let pop = PopularityRanker(train: train)
        #expect(pop.counts == [2, 2, 1, 0])
        #expect(pop.ranking == [0, 1, 2, 3])
        #expect(pop.topK(user: 1, k: 2, exclude: [0]) == [1, 2])
        let test = try InteractionMatrix(users: 3, items: 4, triplets: Triplets(users: [0, 1, 2], items: [2, 1, 3], values: [1, 1, 1]))
        let e = try RankingEvaluator(train: train, test: test)
        let viaScores = try e.evaluate(k: 2, scorer: pop)
        let viaTopK = try e.evaluate(k: 2, topK: pop.topK)
        #expect(viaScores.ndcg == viaTopK.ndcg && viaScores.map == viaTopK.map)
        // User 0: list [2, 3] hits 2 at j = 0; user 1: [1, 2] hits 1 at j = 0; user 2: [0, 3]
        // hits 3 at j = 1. Hit rate 1, precision 1/2, recall 1.
        #expect(viaTopK.hitRate == 1 && viaTopK.precision == 0.5 && viaTopK.recall == 1)
    }

    @Test("random ranker: same seed same scores, in any call order; another seed differs")
    func random() {
        var a = [Float](repeating: 0, count: 100), b = a, c = a
        RandomRanker(seed: 3).scoreItems(user: 7, into: &a)
        RandomRanker(seed: 3).scoreItems(user: 2, into: &c)
        RandomRanker(seed: 3).scoreItems(user: 7, into: &b)
        #expect(a == b && a != c)
        RandomRanker(seed: 4).scoreItems(user: 7, into: &c)
        #expect(a != c)
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1 } && Set(a).count > 90)
    }

    @Test("ml100k-temporal: global mean RMSE 1.1271, undamped item bias 1.0292, user + item bias (Surprise BaselineOnly) 0.9883",
          .enabled(if: EvaluationData.available("splits/ml100k-temporal/train.tsv", "splits/ml100k-temporal/test.tsv"),
                   "shared/data/splits/ml100k-temporal/{train,test}.tsv is absent"))
    func ml100kTemporal() throws {
        let (train, test) = try SplitFiles.load(
            train: EvaluationData.path("splits/ml100k-temporal/train.tsv"),
            test: EvaluationData.path("splits/ml100k-temporal/test.tsv"))
        let mean = evaluateRatings(test: test, predictor: BaselinePredictor.globalMean(train))
        let item = evaluateRatings(test: test, predictor: BaselinePredictor.itemBias(train))
        let damped = evaluateRatings(test: test, predictor: BaselinePredictor.dampedItemBias(train))
        let both = evaluateRatings(test: test, predictor: BaselinePredictor.userItemBias(train, clamp: 1 ... 5))
        print(String(format: "ml100k-temporal RMSE/MAE: global mean %.4f/%.4f, item bias %.4f/%.4f, damped item bias (25) %.4f/%.4f, user+item bias %.4f/%.4f",
                     mean.rmse, mean.mae, item.rmse, item.mae, damped.rmse, damped.mae, both.rmse, both.mae))
        #expect(mean.count == 2_875)
        #expect(String(format: "%.4f", mean.rmse) == "1.1271")
        #expect(String(format: "%.4f", item.rmse) == "1.0292")
        #expect(String(format: "%.4f", both.rmse) == "0.9883")
    }

    @Test("ml100k-implicit: popularity NDCG@10 0.1490, CappedRecall@10 0.1495",
          .enabled(if: EvaluationData.available("splits/ml100k-implicit/train.tsv", "splits/ml100k-implicit/test.tsv"),
                   "shared/data/splits/ml100k-implicit/{train,test}.tsv is absent"))
    func ml100kImplicitPopularity() throws {
        let (train, test) = try SplitFiles.load(
            train: EvaluationData.path("splits/ml100k-implicit/train.tsv"),
            test: EvaluationData.path("splits/ml100k-implicit/test.tsv"))
        let e = try RankingEvaluator(train: train, test: test)
        let pop = PopularityRanker(train: train)
        let m = try e.evaluate(k: 10, scorer: pop)
        let random = try e.evaluate(k: 10, scorer: RandomRanker(seed: 1))
        print(String(format: "ml100k-implicit popularity@10: NDCG %.4f CappedRecall %.4f Recall %.4f Precision %.4f MAP %.4f HitRate %.4f AUC %.4f coverage %.4f users %d; random NDCG %.4f AUC %.4f",
                     m.ndcg, m.cappedRecall, m.recall, m.precision, m.map, m.hitRate, m.auc ?? .nan, m.coverage, m.users,
                     random.ndcg, random.auc ?? .nan))
        #expect(m.users == 938)
        #expect(String(format: "%.4f", m.ndcg) == "0.1490")
        #expect(String(format: "%.4f", m.cappedRecall) == "0.1495")
        #expect(try e.evaluate(k: 10, topK: pop.topK).ndcg == m.ndcg)
    }

    @Test("gowalla: popularity Recall@20 0.0416, NDCG@20 0.0317",
          .enabled(if: EvaluationData.available("gowalla/train.txt", "gowalla/test.txt"),
                   "shared/data/gowalla/{train,test}.txt is absent"))
    func gowallaPopularity() throws {
        let (train, test) = try SplitFiles.loadLightGCN(
            train: EvaluationData.path("gowalla/train.txt"), test: EvaluationData.path("gowalla/test.txt"))
        let pop = PopularityRanker(train: train)
        let m = try RankingEvaluator(train: train, test: test).evaluate(k: 20, topK: pop.topK)
        print(String(format: "gowalla popularity@20: Recall %.4f NDCG %.4f users %d", m.recall, m.ndcg, m.users))
        #expect(m.users == 29_858)
        #expect(String(format: "%.4f", m.recall) == "0.0416")
        #expect(String(format: "%.4f", m.ndcg) == "0.0317")
    }
}
