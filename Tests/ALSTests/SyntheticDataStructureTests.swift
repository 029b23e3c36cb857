import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSSynthetic

/// The planted structure of the default synthetic data (`_PlantedPreferences`): what a model can
/// learn from it and a popularity ranker cannot, on the MovieLens-100K shape the demo uses.
@Suite("Synthetic data: the planted tastes are learnable, popularity stays a real baseline")
struct SyntheticDataStructureTests {
    /// The demo's split of the demo's data.
    static func split(_ structure: SyntheticData.Structure) throws -> DataSplit {
        let data = try SyntheticData(shape: .ml100k, seed: 7, timestamps: false, structure: structure).matrix()
        return try Splits.perUser(data, testFraction: 0.2, seed: 7)
    }

    static func ndcg(_ split: DataSplit) throws -> (model: Double, popularity: Double, random: Double) {
        var c = ALSConfiguration.plain(mode: .implicit)
        c.factors = 16
        c.regularization = 5
        c.alpha = 2
        c.iterations = 8
        c.computeLoss = false
        let model = try ALSTrainer(c).fit(split.train)
        let e = try RankingEvaluator(train: split.train, test: split.test)
        return (try e.evaluate(k: 10, model: model).ndcg,
                try e.evaluate(k: 10, scorer: PopularityRanker(train: split.train)).ndcg,
                try e.evaluate(k: 10, scorer: RandomRanker(seed: 1)).ndcg)
    }

    @Test("a small implicit ALS beats popularity by at least 1.5× on the planted data, and popularity beats random")
    func modelBeatsPopularity() throws {
        let r = try Self.ndcg(Self.split(.planted))
        #expect(r.model >= 1.5 * r.popularity, "model \(r.model) vs popularity \(r.popularity)")
        // Popularity is a real baseline, as on MovieLens (NDCG@10 about 0.15), far above random.
        #expect(r.popularity > 0.1 && r.popularity < 0.25, "popularity \(r.popularity)")
        #expect(r.popularity > 4 * r.random, "popularity \(r.popularity) vs random \(r.random)")
    }

    @Test("with popularity alone there is nothing to learn: the same ALS does not beat popularity")
    func popularityAloneHasNoStructure() throws {
        let r = try Self.ndcg(Self.split(.popularity))
        #expect(r.model < r.popularity, "model \(r.model) vs popularity \(r.popularity)")
    }

    @Test("ratings carry user and item effects: the user + item bias baseline beats the global mean")
    func ratingsHaveBiases() throws {
        let split = try Self.split(.planted)
        let mean = evaluateRatings(test: split.test, predictor: BaselinePredictor.globalMean(split.train))
        let biases = evaluateRatings(test: split.test, predictor: BaselinePredictor.userItemBias(split.train))
        #expect(biases.rmse < 0.95 * mean.rmse, "bias \(biases.rmse) vs mean \(mean.rmse)")
    }

    @Test("the half-star shares stay MovieLens's: 4 most common, then 3, then 5")
    func ratingShares() throws {
        let values = SyntheticData(shape: .ml100k, seed: 7, timestamps: false).triplets().values
        func count(_ v: Float) -> Int { values.filter { $0 == v }.count }
        #expect(count(4) > count(3) && count(3) > count(5) && count(5) > count(1))
        #expect(Double(count(4)) / Double(values.count) > 0.2)
    }
}
