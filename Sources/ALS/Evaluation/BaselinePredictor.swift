/// The rating baselines `r̂(u, i) = μ + b_u + b_i`: the yardsticks every factor model must
/// beat. A bias of a user or item without train ratings is 0, so unseen users and items fall
/// back to the global mean (plus whatever bias is known), as METRICS.md prescribes.
///
/// As an `ItemScorer` a baseline ranks items by `r̂(u, i)`; the user term does not change a
/// user's ranking, so the ranking is by item bias.
@_spi(Engine) public struct BaselinePredictor: RatingPredictor, ItemScorer {
    /// μ, the mean of all train values.
    public let globalMean: Float
    /// b_u per user, or empty when the baseline has no user term.
    public let userBiases: [Float]
    /// b_i per item, or empty when the baseline has no item term.
    public let itemBiases: [Float]
    /// When set, predictions are clamped into this range (Surprise clamps to the rating scale,
    /// e.g. `1 ... 5` for MovieLens, by default).
    public var clamp: ClosedRange<Float>?

    public init(globalMean: Float, userBiases: [Float] = [], itemBiases: [Float] = [], clamp: ClosedRange<Float>? = nil) {
        self.globalMean = globalMean
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.clamp = clamp
    }

    public func predict(user: Int, item: Int) -> Float {
        var s = globalMean
        if !userBiases.isEmpty { s += userBiases[user] }
        if !itemBiases.isEmpty { s += itemBiases[item] }
        if let clamp { s = min(max(s, clamp.lowerBound), clamp.upperBound) }
        return s
    }

    public func scoreItems(user: Int, into scores: inout [Float]) {
        for i in scores.indices { scores[i] = predict(user: user, item: i) }
    }
}

extension BaselinePredictor {
    /// `r̂ = μ`. On ml100k-temporal: RMSE 1.1271 (METRICS.md).
    public static func globalMean(_ train: InteractionMatrix) -> BaselinePredictor {
        BaselinePredictor(globalMean: Float(mean(train)))
    }

    /// `r̂ = μ + b_i` with `b_i` the mean residual of the item, `Σ_{u ∈ R(i)} (r_ui − μ) / |R(i)|`,
    /// undamped. On ml100k-temporal: RMSE 1.0292 (METRICS.md).
    public static func itemBias(_ train: InteractionMatrix) -> BaselinePredictor {
        dampedItemBias(train, damping: 0)
    }

    /// `r̂ = μ + b_i` with `b_i = Σ_{u ∈ R(i)} (r_ui − μ) / (damping + |R(i)|)`: an item with few
    /// ratings is shrunk towards the global mean. The default, 25, is the item shrinkage λ₂ of
    /// Koren, "Factor in the Neighbors" (TKDD 2010), tuned there on Netflix data.
    public static func dampedItemBias(_ train: InteractionMatrix, damping: Double = 25) -> BaselinePredictor {
        let mu = mean(train)
        let C = train.byItem
        var b = [Float](repeating: 0, count: train.items)
        for i in 0 ..< train.items where C.count(of: i) > 0 {
            var residual = 0.0
            for p in C.range(of: i) { residual += Double(C.values[p]) - mu }
            b[i] = Float(residual / (damping + Double(C.count(of: i))))
        }
        return BaselinePredictor(globalMean: Float(mu), itemBiases: b)
    }

    /// `r̂ = μ + b_u + b_i` fitted by alternating least squares on the regularised objective
    /// `Σ (r_ui − μ − b_u − b_i)² + λ_u Σ b_u² + λ_i Σ b_i²`, as Surprise's `BaselineOnly` does
    /// with its default `bsl_options` (method "als", 10 epochs, `reg_u` 15, `reg_i` 10), which are
    /// our defaults too. Each pass first sets every item bias exactly,
    /// `b_i = Σ_{u ∈ R(i)} (r_ui − μ − b_u) / (λ_i + |R(i)|)`, then every user bias,
    /// `b_u = Σ_{i ∈ R(u)} (r_ui − μ − b_i) / (λ_u + |R(u)|)`; a few passes converge closely.
    /// Pass `clamp: 1 ... 5` to match Surprise's predictions on MovieLens.
    public static func userItemBias(
        _ train: InteractionMatrix, userRegularization: Double = 15, itemRegularization: Double = 10,
        iterations: Int = 10, clamp: ClosedRange<Float>? = nil
    ) -> BaselinePredictor {
        let mu = mean(train)
        var bu = [Double](repeating: 0, count: train.users)
        var bi = [Double](repeating: 0, count: train.items)
        // One half-step: every outer slot's bias from the residuals against the other side's.
        func solve(_ A: CompressedMatrix, other: [Double], regularization: Double, into b: inout [Double]) {
            for o in 0 ..< A.outerCount {
                var residual = 0.0
                for p in A.range(of: o) { residual += Double(A.values[p]) - mu - other[Int(A.innerIndices[p])] }
                b[o] = residual / (regularization + Double(A.count(of: o)))
            }
        }
        for _ in 0 ..< iterations {
            solve(train.byItem, other: bu, regularization: itemRegularization, into: &bi)
            solve(train.byUser, other: bi, regularization: userRegularization, into: &bu)
        }
        return BaselinePredictor(
            globalMean: Float(mu), userBiases: bu.map { Float($0) }, itemBiases: bi.map { Float($0) }, clamp: clamp)
    }

    /// The mean of all train values (0 for an empty matrix).
    static func mean(_ train: InteractionMatrix) -> Double {
        guard train.nonZeros > 0 else { return 0 }
        return train.byUser.values.reduce(0.0) { $0 + Double($1) } / Double(train.nonZeros)
    }
}
