/// Rating-prediction error over a test set (METRICS.md, "Rating prediction"):
/// `rmse = sqrt(mean (r − r̂)²)` and `mae = mean |r − r̂|`, accumulated in Double.
public struct RatingMetrics: Sendable, Equatable {
    public let rmse: Double
    public let mae: Double
    /// The fraction of test cells whose prediction has the truth's sign (`signAccuracy(predictions:truths:)`),
    /// the figure for ±1 preferences.
    public let signAccuracy: Double
    /// Number of test ratings scored.
    public let count: Int

    /// RMSE of `predictions` against `truths` (same order). NaN when both are empty.
    @_spi(Engine) public static func rmse(predictions: [Float], truths: [Float]) throws -> Double {
        try check(predictions, truths)
        return _rmse(predictions, truths)
    }

    static func _rmse(_ predictions: [Float], _ truths: [Float]) -> Double {
        var sum = 0.0
        for (p, t) in zip(predictions, truths) { sum += (Double(t) - Double(p)) * (Double(t) - Double(p)) }
        return (sum / Double(truths.count)).squareRoot()
    }

    /// MAE of `predictions` against `truths` (same order). NaN when both are empty.
    @_spi(Engine) public static func mae(predictions: [Float], truths: [Float]) throws -> Double {
        try check(predictions, truths)
        return _mae(predictions, truths)
    }

    static func _mae(_ predictions: [Float], _ truths: [Float]) -> Double {
        var sum = 0.0
        for (p, t) in zip(predictions, truths) { sum += abs(Double(t) - Double(p)) }
        return sum / Double(truths.count)
    }

    /// For ±1 preferences: the fraction of cells where `sign(prediction) == sign(truth)`, with
    /// sign taking the values −1, 0 and +1 (so a prediction of exactly 0 matches only a truth of
    /// 0). NaN when both are empty.
    @_spi(Engine) public static func signAccuracy(predictions: [Float], truths: [Float]) throws -> Double {
        try check(predictions, truths)
        return _signAccuracy(predictions, truths)
    }

    /// The three figures without the count check, for callers that build both arrays together.
    static func _signAccuracy(_ predictions: [Float], _ truths: [Float]) -> Double {
        func sign(_ x: Float) -> Int { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        let agree = zip(predictions, truths).filter { sign($0) == sign($1) }.count
        return Double(agree) / Double(truths.count)
    }

    static func check(_ predictions: [Float], _ truths: [Float]) throws {
        guard predictions.count == truths.count else {
            throw ALSError.shapeMismatch("\(predictions.count) predictions for \(truths.count) truths; pass one prediction per test rating, in the same order")
        }
    }
}

/// RMSE, MAE and sign accuracy of `predict(user, item)` over every entry of `test`. The fallback for users or
/// items unseen in train is the predictor's business (METRICS.md: the model's baseline, i.e. the
/// global mean plus whatever bias is known); the rating baselines here already do it.
@_spi(Engine) public func evaluateRatings(test: InteractionMatrix, predict: (_ user: Int, _ item: Int) throws -> Float) rethrows -> RatingMetrics {
    var predictions = [Float](), truths = [Float]()
    predictions.reserveCapacity(test.nonZeros)
    truths.reserveCapacity(test.nonZeros)
    for u in 0 ..< test.users {
        for p in test.byUser.range(of: u) {
            predictions.append(try predict(u, Int(test.byUser.innerIndices[p])))
            truths.append(test.byUser.values[p])
        }
    }
    // The two arrays have the same count by construction, so the unchecked sums serve.
    return RatingMetrics(
        rmse: RatingMetrics._rmse(predictions, truths), mae: RatingMetrics._mae(predictions, truths),
        signAccuracy: RatingMetrics._signAccuracy(predictions, truths), count: truths.count)
}

/// RMSE and MAE of a `RatingPredictor` (a rating baseline, say) over `test`.
@_spi(Engine) public func evaluateRatings(test: InteractionMatrix, predictor: some RatingPredictor) -> RatingMetrics {
    evaluateRatings(test: test) { predictor.predict(user: $0, item: $1) }
}

/// RMSE and MAE of an `ALSModel` trained on `train`, with METRICS.md's fallback applied here
/// rather than trusted to the trainer: a seen (user, item) pair gets `model.score(user:item:)`;
/// when the user or the item has no train interaction, the factors are dropped and only the
/// known terms remain (`globalMean + itemBias` for an unseen user, the global mean alone when
/// neither is known).
///
/// The split may extend the model's index spaces (`ALSModel.aligned(_:)`): indices past the
/// model's count as unseen. `clamp`, when given, bounds every prediction (Surprise clamps to the
/// rating scale).
@_spi(Engine) public func evaluateRatings(
    model: ALSModel, train: InteractionMatrix, test: InteractionMatrix, clamp: ClosedRange<Float>? = nil
) throws -> RatingMetrics {
    try RankingEvaluator.checkCovers(model, train)
    guard test.userIDs == train.userIDs, test.itemIDs == train.itemIDs else {
        throw ALSError.shapeMismatch(
            "train is \(train.users)×\(train.items) and test \(test.users)×\(test.items), or their id maps differ; evaluate the model on the split it was trained on")
    }
    return evaluateRatings(test: test) { u, i in
        let s = modelPrediction(model, train: train, user: u, item: i)
        guard let clamp else { return s }
        return min(max(s, clamp.lowerBound), clamp.upperBound)
    }
}

/// The prediction of `evaluateRatings(model:train:test:)` for one cell, before clamping.
func modelPrediction(_ model: ALSModel, train: InteractionMatrix, user u: Int, item i: Int) -> Float {
    let userSeen = u < model.users && train.byUser.count(of: u) > 0
    let itemSeen = i < model.items && train.byItem.count(of: i) > 0
    if userSeen, itemSeen { return model.score(user: u, item: i) }
    guard model.hasBiases else { return model.globalMean }
    return model.globalMean + (userSeen ? model.userBiases[u] : 0) + (itemSeen ? model.itemBiases[i] : 0)
}
