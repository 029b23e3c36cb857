@_spi(Engine) import ALS
import ALSSynthetic
import ArgumentParser
import Foundation

/// `als demo [FILE]`: the README's first command. Splits the data (a built-in MovieLens-100K-shaped
/// synthetic set with planted latent structure when no file is given), trains with the library's
/// defaults and progress, prints held-out metrics next to the popularity and random baselines,
/// and a few recommendations.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train on a per-user 80/20 split and print progress, held-out metrics and recommendations.",
        discussion: """
            Without FILE, uses a deterministic MovieLens-100K-shaped synthetic data set generated in \
            code (943 users, 1,682 items, 100,000 ratings 1–5): users pick items from a planted \
            low-rank taste model mixed with popularity, with power-law activity and popularity, so \
            a model has something to learn and popularity is still a strong baseline. With FILE, \
            uses that file instead.
            """)

    @Argument(help: "An interactions file; omit it to use the built-in synthetic data.")
    var file: String?

    @OptionGroup var input: InputOptions
    @OptionGroup var training: TrainingOptions

    @Option(help: "Fraction of each user's interactions held out for testing.")
    var testFraction: Double = 0.2

    @Option(help: "Seed of the split and of the built-in data.")
    var splitSeed: UInt64 = 7

    @Option(help: "Number of users to show recommendations for.")
    var showUsers: Int = 3

    @Option(help: "Cut-off K of the ranking metrics and of the recommendations shown.")
    var k: Int = 10

    func validate() throws {
        guard testFraction > 0, testFraction < 1 else { throw ValidationError("--test-fraction must be in (0, 1).") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1.") }
        guard showUsers >= 0 else { throw ValidationError("--show-users must be ≥ 0.") }
    }

    func run() throws {
        let data: InteractionMatrix
        if let file {
            data = try input.load(file).matrix
            StandardOutput.print("data: \(file)")
        } else {
            data = try SyntheticData(shape: .ml100k, seed: splitSeed, values: .ratings, timestamps: false).matrix()
            StandardOutput.print("data: built-in synthetic MovieLens-100K shape with planted tastes (seed \(splitSeed))")
        }
        StandardOutput.print("  \(data.users) users, \(data.items) items, \(data.nonZeros) interactions, density \(String(format: "%.4f", data.density))")
        let split = try Splits.perUser(data, testFraction: testFraction, seed: splitSeed)
        StandardOutput.print("split: per-user \(Int((1 - testFraction) * 100))/\(Int(testFraction * 100)): \(split.train.nonZeros) train, \(split.test.nonZeros) test")

        let config = try training.configuration()
        StandardOutput.print("training: \(config.mode.rawValue) ALS, k = \(config.factors), λ = \(config.regularization), \(config.solver.rawValue), \(config.iterations) iterations")
        let model = try ALSTrainer(config).fit(split.train) { p in
            StandardOutput.print("  iteration \(String(p.iteration).leftPadded(to: String(p.iterations).count))/\(p.iterations)  loss \(p.loss.map { String(format: "%.6e", $0) } ?? "-")  \(String(format: "%.3f", p.seconds)) s")
        }

        StandardOutput.print("\nheld-out metrics (\(split.test.nonZeros) test interactions):")
        if config.mode != .implicit {
            let ours = try evaluateRatings(model: model, train: split.train, test: split.test)
            let mean = evaluateRatings(test: split.test, predictor: BaselinePredictor.globalMean(split.train))
            let item = evaluateRatings(test: split.test, predictor: BaselinePredictor.itemBias(split.train))
            StandardOutput.print("  \("model".rightPadded(to: 20))RMSE \(f4(ours.rmse))  MAE \(f4(ours.mae))")
            StandardOutput.print("  \("global mean".rightPadded(to: 20))RMSE \(f4(mean.rmse))  MAE \(f4(mean.mae))")
            StandardOutput.print("  \("item bias".rightPadded(to: 20))RMSE \(f4(item.rmse))  MAE \(f4(item.mae))")
        }
        let evaluator = try RankingEvaluator(train: split.train, test: split.test)
        let ranking = try evaluator.evaluate(k: k, model: model)
        let popular = try evaluator.evaluate(k: k, scorer: PopularityRanker(train: split.train))
        let random = try evaluator.evaluate(k: k, scorer: RandomRanker(seed: splitSeed))
        for (name, m) in [("model", ranking), ("popularity", popular), ("random", random)] {
            StandardOutput.print("  \(name.rightPadded(to: 20))NDCG@\(k) \(f4(m.ndcg))  Recall@\(k) \(f4(m.recall))  Precision@\(k) \(f4(m.precision))")
        }
        if popular.ndcg > 0 {
            StandardOutput.print("  model NDCG@\(k) is \(String(format: "%.2f", ranking.ndcg / popular.ndcg))× popularity's")
        }

        if showUsers > 0 {
            StandardOutput.print("\ntop-\(min(k, 5)) recommendations (training items excluded):")
            for user in 0 ..< min(showUsers, model.users) {
                let recs = try model.recommend(user: user, k: min(k, 5), excludeSeen: .interactions(split.train))
                let list = recs.map { "\(model.itemIDs.externalID($0.index)) (\(String(format: "%.3f", $0.score)))" }
                StandardOutput.print("  user \(model.userIDs.externalID(user)): \(list.joined(separator: ", "))")
            }
        }
    }

    private func f4(_ x: Double) -> String { String(format: "%.4f", x) }
}
