/// Anything that scores every item for a user, higher meaning more recommended: the baselines
/// here, and any model through `RankingEvaluator.Scorer`. Called concurrently from several
/// threads, so it must be `Sendable`.
@_spi(Engine) public protocol ItemScorer: Sendable {
    /// Writes the score of every item for dense user `user` into `scores`, which has one entry
    /// per item (zeros on entry); its count must not change.
    func scoreItems(user: Int, into scores: inout [Float])
}

/// Anything that predicts one rating: the rating baselines, and any model through a closure
/// given to `evaluateRatings`.
@_spi(Engine) public protocol RatingPredictor: Sendable {
    /// The predicted value of dense user `user` for dense item `item`.
    func predict(user: Int, item: Int) -> Float
}
