/// The item factors reordered by descending Euclidean norm, for the early stop of batch
/// `recommend` (see `ALSModel+Batch.swift`).
///
/// Why. A user's score of item i is at most ‖x_u‖·‖y_i‖ (Cauchy–Schwarz). Scanning items in
/// descending norm order, once ‖x_u‖ times the largest remaining norm (plus the pre-selection
/// slack) is below the user's running K-th best, no remaining item can enter the top-K and the
/// user is done. ALS item norms grow with popularity and are heavy-tailed, so on MovieLens-like
/// data most users stop within the first 10–25% of the items.
///
/// Invariants: `order` is a permutation of `0 ..< items`, `position[order[p]] == p`,
/// `norms[p] = ‖y_{order[p]}‖` non-increasing in p (equal norms keep ascending item order), and
/// row p of `factors` (stride k) is row `order[p]` of the model's item factors.
internal struct _ItemsByNorm: Sendable {
    let order: [Int32]
    let position: [Int32]
    let norms: [Float]
    let factors: [Float]

    /// - Precondition: `norms.count == items`, `storage` holds items × k floats.
    init(_ storage: _FactorStorage, items: Int, k: Int, norms itemNorms: [Float]) {
        let sorted = (0 ..< items).sorted { a, b in
            itemNorms[a] > itemNorms[b] || (itemNorms[a] == itemNorms[b] && a < b)
        }
        var position = [Int32](repeating: 0, count: items)
        for (p, i) in sorted.enumerated() { position[i] = Int32(p) }
        var factors = [Float](repeating: 0, count: items * k)
        storage.withUnsafeBufferPointer { Y in
            for (p, i) in sorted.enumerated() {
                for f in 0 ..< k { factors[p * k + f] = Y[i * k + f] }
            }
        }
        order = sorted.map { Int32($0) }
        self.position = position
        norms = sorted.map { itemNorms[$0] }
        self.factors = factors
    }

    /// An upper bound on x·y over the items at positions p… for a user of norm `userNorm`:
    /// ‖x‖·‖y_p‖ with a relative margin for the rounding of both norms and of the dot product.
    func scoreBound(userNorm: Float, from p: Int) -> Float {
        p < norms.count ? userNorm * norms[p] * (1 + 1e-4) + Float.leastNormalMagnitude : -.infinity
    }
}
