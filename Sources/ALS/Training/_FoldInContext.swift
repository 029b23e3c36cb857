internal import CALSKernels

/// The part of a user half-step that does not depend on the user, against one model's item
/// factors (or, for `side == .item`, of an item half-step against its user factors; see the end
/// of this comment): the item Gram G = Σ_i w_i y_i y_iᵀ (dense and implicit modes; w_i = 1, or eALS's
/// popularity weight), the per-item weights that come from the training counts (WALS
/// confidence, eALS missing weight) and the per-dimension λ. Made once per model
/// (`_ServingCache.foldInContext`, on first use: one `ssyrk` over the items, O(items·k²)), so
/// that folding in a user costs what the trainer spends on one row: O(n·k² + k³) for n
/// interactions, with no copy of the item factors.
///
/// Exactness: `solve` makes the same kernel call on the same numbers as
/// `_TrainingState.userHalfStep` does for a one-row matrix against the model's items (the
/// fixed part is computed by the same functions, the row's entries by the same `_EntryRule`),
/// so the result is bit for bit the trainer's (`_referenceFoldIn`, tested).
///
/// Items: the same solve with the sides swapped, as `_TrainingState.itemHalfStep` makes it. The
/// fixed side is the users (the Gram G = Σ_u x_u x_uᵀ, unweighted), the offsets of explicit
/// mode are the user biases, frequency-scaled λ counts against the users, and WALS weighs the
/// new item's entries by its own count n (`ALSWeights.wals(count: n)`), which is what the
/// trainer gives an item with n interactions. Popularity-weighted missing data (eALS) has no
/// item fold-in: an item's missing weight is normalised over every item's count, so one more
/// item changes them all; `init` refuses it.
internal struct _FoldInContext: Sendable {
    /// Whose row a solve produces.
    let side: _Side
    /// k, or k + 1 with biases (the bias is the last unknown, its item column is 1).
    let dims: Int
    /// dims × dims, both triangles; all zeros in modes without a Gram term.
    let gram: [Float]
    /// 1 when the mode has a Gram term, else 0.
    let gramScale: Float
    /// Per-dimension λ.
    let reg: [Float]
    let walsItemWeight: [Float]?
    let missingWeight: [Float]?

    /// - Parameters:
    ///   - side: `.user` (default) to fold in users against the items, `.item` to fold in items
    ///     against the users.
    ///   - itemCounts: the training counts; nil means the model's own. Unused for items.
    /// - Throws: `ALSError.invalidConfiguration` when the mode needs item counts and neither
    ///   the caller nor the model has them, or for item fold-in with popularity-weighted
    ///   missing data.
    init(model: ALSModel, itemCounts: [Int]?, side: _Side = .user) throws {
        let config = model.configuration
        self.side = side
        let k = model.factors
        dims = model.hasBiases ? k + 1 : k
        reg = _TrainingState.regularization(config, dims: dims)
        if side == .item {
            guard !(config.mode == .implicit && config.missingWeightExponent != 0) else {
                throw ALSError.invalidConfiguration(
                    parameter: "missingWeightExponent",
                    reason: "an item cannot be folded into a model trained with popularity-weighted missing data (each item's missing weight is normalised over all items' counts); retrain with the item, or use `missingWeightExponent: 0`")
            }
            walsItemWeight = nil
            missingWeight = nil
        } else {
            let counts = itemCounts ?? model._itemCounts
            if model.foldInNeedsItemCounts {
                guard let c = counts, c.count == model.items else {
                    throw ALSError.invalidConfiguration(
                        parameter: "itemCounts",
                        reason: "\(config.mode.rawValue) mode weighs items by their training counts, and this model was saved without them; pass the training data's per-item counts (\(model.items) of them), or retrain with this version, which keeps them")
                }
            }
            walsItemWeight = counts.flatMap { _TrainingState.walsItemWeights(config, itemCounts: $0) }
            missingWeight = counts.flatMap { _TrainingState.missingWeights(config, itemCounts: $0) }
        }
        // Modes with a Gram term have no biases, so the fixed side is the factors as they are;
        // the user half-step weighs each item by its missing weight, the item half-step none.
        let fixedRows = side == .user ? model.items : model.users
        if _TrainingState.usesGram(config.mode), fixedRows > 0, !model.hasBiases {
            let dims = dims, weights = missingWeight
            gram = (side == .user ? model._itemFactors : model._userFactors).withUnsafeBufferPointer { F in
                weights.withOptionalPointer { _gram(rows: fixedRows, dims: dims, fixed: F._start, weights: $0) }
            }
            gramScale = 1
        } else {
            gram = [Float](repeating: 0, count: dims * dims)
            gramScale = _TrainingState.usesGram(config.mode) ? 1 : 0
        }
    }

    /// The folded-in row of `items` (for `side == .item`: users; ascending, unique, in range)
    /// with `values`.
    func solve(_ model: ALSModel, items: [Int32], values: [Float]) throws -> ALSModel.FoldedFactors {
        let config = model.configuration
        let n = items.count, k = model.factors, dims = dims, biased = dims > k
        let users = side == .user
        let rule = _EntryRule(kind: _EntryRule.Kind(config.mode), fixedIsItem: users, mean: model.globalMean,
                              offsets: nil, itemWeight: nil, entryWeights: nil, missingWeight: nil,
                              confidence: config.confidence, alpha: config.alpha, epsilon: config.confidenceEpsilon)
        let regScale = ALSWeights.regularizationScale(count: n, universe: users ? model.items : model.users,
                                                      alpha0: config.regularizationAlpha0,
                                                      exponent: config.regularizationExponent)
        // The fixed side: its factors, and its biases as explicit mode's offsets. WALS weighs
        // a new item's entries by its own count, the one weight `fill` reads at row 0.
        let fixed = users ? model._itemFactors : model._userFactors
        let offsets = users ? model.itemBiases : model.userBiases
        let rowWeight: [Float]? = !users && config.mode == .weighted ? [ALSWeights.wals(count: n, config.walsWeighting)] : nil
        let kernelFloats = Int(als_cholesky_scratch_floats(Int32(dims)))
        // Five per-entry arrays, the kernel's scratch, the solution, and (with biases) the
        // user's item rows as [y_i, 1].
        let gathered = biased ? n * dims : 0
        let total = 5 * n + kernelFloats + dims + Swift.max(1, gathered)
        var x = [Float](repeating: 0, count: dims)
        // A user with no interactions passes empty buffers: `_start` keeps their pointers
        // non-null, and the kernels read n = 0 entries.
        try withUnsafeTemporaryAllocation(of: Float.self, capacity: total) { buffer in
            let s = buffer._start
            let c = s, p = s + n, w = s + 2 * n, d = s + 3 * n, t = s + 4 * n
            let kernel = s + 5 * n, solution = kernel + kernelFloats, rows = solution + dims
            try items.withUnsafeBufferPointer { idx in
                try values.withUnsafeBufferPointer { v in
                    try offsets.withUnsafeBufferPointer { B in
                        try (users ? walsItemWeight : rowWeight).withOptionalPointer { wals in
                            try missingWeight.withOptionalPointer { missing in
                                var r = rule
                                r.offsets = biased ? B.baseAddress : nil
                                r.itemWeight = wals
                                r.missingWeight = missing
                                r.fill(row: 0, range: 0 ..< n, inner: idx._start, values: v._start,
                                       c: c, p: p, w: w, d: d, t: t)
                                try fixed.withUnsafeBufferPointer { Y in
                                    try solveRow(n: n, items: idx._start, fixed: Y, k: k, regScale: regScale,
                                                 d: d, t: t, rows: rows, kernel: kernel, x: solution)
                                }
                            }
                        }
                    }
                }
            }
            for j in 0 ..< dims { x[j] = solution[j] }
        }
        // As the trainer: a user with no interactions has bias 0.
        if biased, n == 0, users { x[k] = 0 }
        for v in x where !v.isFinite { throw ALSError.nonFinite(side: side.name, iteration: 0) }
        return ALSModel.FoldedFactors(factors: Array(x[0 ..< k]), bias: biased ? x[k] : 0)
    }

    /// The kernel call. Without biases the item factors are the fixed side in place (stride k);
    /// with biases the user's n item rows are gathered into `rows` as [y_i, 1] and indexed
    /// 0 ..< n, which feeds the kernel the same numbers in the same order.
    private func solveRow(n: Int, items: UnsafePointer<Int32>, fixed Y: UnsafeBufferPointer<Float>, k: Int,
                          regScale: Float, d: UnsafePointer<Float>, t: UnsafePointer<Float>,
                          rows: UnsafeMutablePointer<Float>, kernel: UnsafeMutablePointer<Float>,
                          x: UnsafeMutablePointer<Float>) throws {
        let status: als_status_t
        if dims == k, let base = Y.baseAddress {
            status = gram.withUnsafeBufferPointer { G in
                reg.withUnsafeBufferPointer { R in
                    als_solve_cholesky_row(Int32(dims), G._start, gramScale, R._start, regScale, Int64(n),
                                           items, d, t, base, Int64(k), x, kernel)
                }
            }
        } else {
            var local = [Int32](repeating: 0, count: n)
            for j in 0 ..< n {
                let i = Int(items[j])
                for f in 0 ..< k { rows[j * dims + f] = Y[i * k + f] }
                if dims > k { rows[j * dims + k] = 1 }
                local[j] = Int32(j)
            }
            status = gram.withUnsafeBufferPointer { G in
                reg.withUnsafeBufferPointer { R in
                    local.withUnsafeBufferPointer { L in
                        als_solve_cholesky_row(Int32(dims), G._start, gramScale, R._start, regScale,
                                               Int64(n), L._start, d, t, UnsafePointer(rows), Int64(dims), x, kernel)
                    }
                }
            }
        }
        try _check(status.rawValue, "als_solve_cholesky_row", side: side.name, row: 0)
    }
}
