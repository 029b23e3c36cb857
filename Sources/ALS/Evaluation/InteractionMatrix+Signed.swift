extension InteractionMatrix {
    /// The ±1 preference version of a ratings matrix: every value `≥ threshold` becomes +1 and
    /// every other value −1 (so with threshold 4 on MovieLens, 4 and 5 stars are liked and 1–3
    /// disliked). Shape, id maps, timestamps and weights are kept. Train explicit ALS on it and
    /// score `RatingMetrics.signAccuracy`.
    @_spi(Engine) public func signed(threshold: Float) throws -> InteractionMatrix {
        var csr = byUser
        csr.values = csr.values.map { $0 >= threshold ? 1 : -1 }
        return try InteractionMatrix(byUser: csr, userIDs: userIDs, itemIDs: itemIDs)
    }
}
