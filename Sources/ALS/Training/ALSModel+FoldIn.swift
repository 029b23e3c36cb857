/// Fold-in: factors for a new or changed user from their interactions, without retraining.
extension ALSModel {
    /// A folded-in user: the factor row and, for a model with biases, the user bias.
    public struct FoldedUser: Sendable, Equatable {
        public var factors: [Float]
        public var bias: Float
    }

    /// Whether fold-in needs the training data's per-item counts: WALS item weights and
    /// popularity-weighted missing data (eALS) are functions of them.
    public var foldInNeedsItemCounts: Bool {
        configuration.mode == .weighted || (configuration.mode == .implicit && configuration.missingWeightExponent != 0)
    }

    /// The exact least-squares user factors for `interactions` (dense item index, value) against
    /// the model's item factors, in the model's own mode and weights: the same solve as a user
    /// half-step of training (the item Gram, the per-entry corrections, λ scaled by the user's
    /// count when training used frequency-scaled λ, the global mean and biases).
    ///
    /// - Parameter itemCounts: the training data's per-item counts, needed when
    ///   `foldInNeedsItemCounts` (pass `(0..<items).map { train.byItem.count(of: $0) }`).
    /// - Throws: `ALSError.unknownID` for an item out of range, `ALSError.invalidConfiguration`
    ///   when item counts are needed and missing, `ALSError.notPositiveDefinite` when the
    ///   system is singular (raise λ).
    public func foldIn(interactions: [(item: Int, value: Float)], itemCounts: [Int]? = nil) throws -> FoldedUser {
        for (item, _) in interactions where item < 0 || item >= items {
            throw ALSError.unknownID(kind: "item", id: String(item))
        }
        if foldInNeedsItemCounts {
            guard let c = itemCounts, c.count == items else {
                throw ALSError.invalidConfiguration(
                    parameter: "itemCounts",
                    reason: "\(configuration.mode.rawValue) mode weighs items by their training counts; pass the training data's per-item counts (\(items) of them)")
            }
        }
        let t = Triplets(users: [Int32](repeating: 0, count: interactions.count),
                         items: interactions.map { Int32($0.item) }, values: interactions.map(\.value))
        let row = try InteractionMatrix(users: 1, items: items, triplets: t, duplicates: .sum,
                                        userIDs: .identity(count: 1), itemIDs: itemIDs)
        var config = configuration
        config.iterations = 1
        config.solver = .cholesky
        var state = try _TrainingState(configuration: config, data: row, itemCounts: itemCounts ?? [Int](repeating: 1, count: items),
                                       mean: globalMean)
        let dims = state.dims
        let k = factors
        let Y = itemFactors
        var V = [Float](repeating: 0, count: items * dims)
        for i in 0 ..< items {
            for d in 0 ..< k { V[i * dims + d] = Y[i * k + d] }
            if dims > k { V[i * dims + k] = itemBiases[i] }
        }
        state.V = V
        try state.userHalfStep(iteration: 0)
        return FoldedUser(factors: Array(state.U[0 ..< k]), bias: dims > k ? state.U[k] : 0)
    }

    /// `foldIn(interactions:itemCounts:)` by external item ids.
    public func foldIn(itemIDs interactions: [(id: String, value: Float)], itemCounts: [Int]? = nil) throws -> FoldedUser {
        try foldIn(interactions: interactions.map { pair in
            guard let i = itemIDs.index(of: pair.id) else { throw ALSError.unknownID(kind: "item", id: pair.id) }
            return (i, pair.value)
        }, itemCounts: itemCounts)
    }

    /// A new model in which user `id` has the folded-in factors: the row is replaced when the
    /// user exists and appended otherwise. The receiver is unchanged (copy-on-write).
    public func foldingIn(userID id: String, interactions: [(item: Int, value: Float)],
                          itemCounts: [Int]? = nil) throws -> ALSModel {
        let folded = try foldIn(interactions: interactions, itemCounts: itemCounts)
        if let user = userIDs.index(of: id) {
            return try updating(userFactors: folded.factors, for: user, bias: hasBiases ? folded.bias : nil)
        }
        return try appendingUser(id: id, factors: folded.factors, bias: folded.bias)
    }
}
