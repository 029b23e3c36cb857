extension ALSModel {
    /// Fold-in the slow, plain way, kept as the reference that `foldIn` is tested against: one
    /// user half-step of `_TrainingState` over a one-row matrix, with the model's item factors
    /// (and biases) as the fixed side, exactly what the trainer computes for that user. Builds a
    /// whole training state (a copy of the item factors, the Gram) on every call.
    ///
    /// - Throws: as `foldIn(interactions:itemCounts:)`.
    func _referenceFoldIn(interactions: [(item: Int, value: Float)], itemCounts: [Int]? = nil) throws -> FoldedFactors {
        for (item, _) in interactions where item < 0 || item >= items {
            throw ALSError.unknownID(kind: "item", id: String(item))
        }
        if foldInNeedsItemCounts {
            guard let c = itemCounts ?? _itemCounts, c.count == items else {
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
        var state = try _TrainingState(configuration: config, data: row, itemCounts: itemCounts ?? _itemCounts ?? [Int](repeating: 1, count: items),
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
        return FoldedFactors(factors: Array(state.U[0 ..< k]), bias: dims > k ? state.U[k] : 0)
    }

}
