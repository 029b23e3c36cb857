import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Rating metrics: RMSE, MAE and sign accuracy")
struct MetricRatingTests {
    @Test("RMSE and MAE by hand")
    func rmseMae() throws {
        // Errors 1, 0, −2, 1: squares sum to 6, RMSE = sqrt(6/4) = 1.224745; MAE = 4/4 = 1.
        let p: [Float] = [3, 4, 5, 2], t: [Float] = [4, 4, 3, 3]
        #expect(abs(try RatingMetrics.rmse(predictions: p, truths: t) - 1.224745) < 1e-6)
        #expect(try RatingMetrics.mae(predictions: p, truths: t) == 1)
        #expect(throws: ALSError.self) { try RatingMetrics.rmse(predictions: [1], truths: [1, 2]) }
    }

    @Test("sign accuracy by hand: a zero prediction matches only a zero truth")
    func signAccuracy() throws {
        // Signs (+,+) (−,−) (0,+) (+,−) (−,−): three of five agree.
        let a = try RatingMetrics.signAccuracy(predictions: [0.3, -2, 0, 0.1, -0.5], truths: [1, -1, 1, -1, -1])
        #expect(a == 0.6)
    }

    @Test("evaluateRatings walks every test entry")
    func overTest() throws {
        // Test cells (0,0)=4, (0,2)=2, (1,1)=5; predicting 3 everywhere: errors 1, −1, 2.
        let t = Triplets(users: [0, 0, 1], items: [0, 2, 1], values: [4, 2, 5])
        let test = try InteractionMatrix(users: 2, items: 3, triplets: t)
        let m = evaluateRatings(test: test) { _, _ in 3 }
        #expect(m.count == 3)
        #expect(abs(m.rmse - (6.0 / 3).squareRoot()) < 1e-12)   // sqrt((1 + 1 + 4) / 3)
        #expect(abs(m.mae - 4.0 / 3) < 1e-12)
    }

    @Test("a model's prediction falls back to its baseline for users and items unseen in train")
    func modelFallback() throws {
        // Train: user 0 rated item 0. User 1 and item 1 are unseen.
        let train = try InteractionMatrix(users: 2, items: 2, triplets: Triplets(users: [0], items: [0], values: [4]))
        let test = try InteractionMatrix(users: 2, items: 2, triplets: Triplets(users: [0, 1, 1], items: [0, 0, 1], values: [4, 4, 4]))
        let model = try ALSModel(
            factors: 1, userFactors: [1, 10], itemFactors: [0.5, 10], userBiases: [0.25, 7], itemBiases: [0.125, 7],
            globalMean: 3, userIDs: train.userIDs, itemIDs: train.itemIDs, configuration: ALSConfiguration.plain(mode: .explicit))
        // (0,0) seen: model.score; (1,0): 3 + 0.125 = 3.125; (1,1): 3.
        let seen = model.score(user: 0, item: 0)
        let m = try evaluateRatings(model: model, train: train, test: test)
        let expected = (((4 - Double(seen)) * (4 - Double(seen)) + 0.875 * 0.875 + 1) / 3).squareRoot()
        #expect(abs(m.rmse - expected) < 1e-6)
    }

    @Test("clamped predictions, sign accuracy, and cells past the model's maps falling back to the mean")
    func clampAndExtendedMaps() throws {
        // The model knows users 0, 1 and item 0; the split adds user 2 and item 1.
        let model = try ALSModel(
            factors: 1, userFactors: [2, -2], itemFactors: [1], userIDs: .identity(count: 2), itemIDs: .identity(count: 1),
            configuration: ALSConfiguration.plain(mode: .explicit))
        let train = try InteractionMatrix(users: 3, items: 2, triplets: Triplets(users: [0, 1], items: [0, 0], values: [1, -1]))
        let test = try InteractionMatrix(users: 3, items: 2, triplets: Triplets(users: [0, 1, 2, 0], items: [0, 0, 0, 1], values: [1, -1, 1, -1]))
        // Predictions 2, −2, 0 (unknown user), 0 (unknown item): errors 1, 1, 1, 1.
        let raw = try evaluateRatings(model: model, train: train, test: test)
        #expect(raw.rmse == 1 && raw.signAccuracy == 0.5)
        // Clamped to [−1, 1]: errors 0, 0, 1, 1.
        let clamped = try evaluateRatings(model: model, train: train, test: test, clamp: -1 ... 1)
        #expect(abs(clamped.rmse - 0.5.squareRoot()) < 1e-12 && clamped.mae == 0.5)
        // A model whose maps are not a prefix of the split's is refused.
        let shuffled = try InteractionMatrix(byUser: train.byUser, userIDs: IDMap(integers: [1, 0, 2]))
        #expect(throws: ALSError.self) {
            try evaluateRatings(model: model, train: shuffled, test: InteractionMatrix(byUser: test.byUser, userIDs: shuffled.userIDs))
        }
    }
}
