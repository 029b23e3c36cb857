/// The mutable state of one training run: both factor matrices (with a bias column in explicit
/// mode with biases) and everything derived once from the data (weights, λ multipliers).
///
/// Layout: `U` is users × dims and `V` is items × dims, row-major, where dims = k, or k + 1 with
/// biases (column k holds the bias). A half-step needs the fixed side as [factors, 1] with the
/// fixed side's biases as target offsets, so that x·[y, 1] = xᵀy + b_u; `fixedSide` builds that
/// copy once per half-step (O(rows·k), negligible next to the solve).
internal struct _TrainingState {
    let config: ALSConfiguration
    let data: InteractionMatrix
    let k: Int
    let dims: Int
    let threads: Int
    let mean: Float
    var U: [Float]
    var V: [Float]
    /// Per-dimension λ (factor dimensions, then the bias dimension).
    let reg: [Float]
    let userRegScale: [Float]?
    let itemRegScale: [Float]?
    /// WALS per-item confidence.
    let walsItemWeight: [Float]?
    /// Implicit per-item missing weight (nil = uniform 1).
    let missingWeight: [Float]?
    /// The interleaved schedule's map from `byItem`'s entries to `byUser`'s
    /// (`itemEntryInUserOrder`), derived once from the data; empty for every other schedule and
    /// with a bias column, where no prediction cache is shared.
    let itemEntryOrder: [Int32]

    var hasBias: Bool { config.mode == .explicit && config.biases }
    /// Tests only: force an implementation of a solver (see `_HalfStep.Paths`); by default each
    /// is chosen by size.
    var paths = _HalfStep.Paths()

    /// - Parameters:
    ///   - itemCounts: per-item observation counts for the item weights (WALS, eALS); nil means
    ///     count them in `data`. Fold-in passes the training counts here.
    ///   - mean: the global mean; nil means compute it from `data` when the configuration asks.
    init(configuration config: ALSConfiguration, data: InteractionMatrix, itemCounts: [Int]? = nil,
         mean: Float? = nil) throws {
        self.config = config
        self.data = data
        k = config.factors
        dims = config.mode == .explicit && config.biases ? config.factors + 1 : config.factors
        threads = _resolvedThreads(config.threads)
        if let mean {
            self.mean = mean
        } else if config.mode == .explicit && config.globalMean && data.nonZeros > 0 {
            var s = 0.0
            for v in data.byUser.values { s += Double(v) }
            self.mean = Float(s / Double(data.nonZeros))
        } else {
            self.mean = 0
        }
        if config.mode == .implicit {
            for v in data.byUser.values where !(v >= 0) || !v.isFinite {
                throw ALSError.invalidConfiguration(
                    parameter: "mode", reason: "implicit feedback needs values ≥ 0 (found \(v)); use `mode: .explicit` for signed ratings")
            }
        }
        reg = Self.regularization(config, dims: dims)
        let userCounts = (0 ..< data.users).map { data.byUser.count(of: $0) }
        let itemCounts = itemCounts ?? (0 ..< data.items).map { data.byItem.count(of: $0) }
        if config.regularizationExponent != 0 {
            userRegScale = userCounts.map {
                ALSWeights.regularizationScale(count: $0, universe: data.items, alpha0: config.regularizationAlpha0,
                                               exponent: config.regularizationExponent)
            }
            itemRegScale = itemCounts.map {
                ALSWeights.regularizationScale(count: $0, universe: data.users, alpha0: config.regularizationAlpha0,
                                               exponent: config.regularizationExponent)
            }
        } else {
            userRegScale = nil
            itemRegScale = nil
        }
        walsItemWeight = data.byUser.weights == nil ? Self.walsItemWeights(config, itemCounts: itemCounts) : nil
        missingWeight = Self.missingWeights(config, itemCounts: itemCounts)
        let biasColumn = config.mode == .explicit && config.biases
        itemEntryOrder = Self.interleaves(config, dims: dims) && !biasColumn ? Self.itemEntryInUserOrder(data) : []
        (U, V) = Self.initialFactors(config, users: data.users, items: data.items)
    }

    /// The seeded initial factors (users × dims and items × dims, the bias column 0), generated
    /// sequentially: identical whatever the thread count or the number of ranks.
    static func initialFactors(_ config: ALSConfiguration, users: Int, items: Int) -> (U: [Float], V: [Float]) {
        initialFactors(config, users: users, userRows: 0 ..< users, itemRows: 0 ..< items)
    }

    /// Rows `userRows` of the initial user factors and `itemRows` of the item factors, bitwise
    /// those of `initialFactors(_:users:items:)`: the sequence is every user's k samples, then
    /// every item's, and the generator jumps straight to a block's first sample (SplitMix64's
    /// state after n draws is seed + n·γ, two draws a sample), so a rank draws only its rows.
    static func initialFactors(_ config: ALSConfiguration, users: Int, userRows: Range<Int>,
                               itemRows: Range<Int>) -> (U: [Float], V: [Float]) {
        let k = config.factors
        let dims = config.mode == .explicit && config.biases ? k + 1 : k
        let scale = config.initScale
            ?? ((config.mode == .implicit || config.mode == .dense) ? 0.01 : 0.1 / Float(config.factors).squareRoot())
        func block(_ rows: Range<Int>, firstSample: Int) -> [Float] {
            var rng = _SplitMix64(seed: config.seed &+ UInt64(2 * firstSample) &* _SplitMix64.increment)
            var F = [Float](repeating: 0, count: rows.count * dims)
            for row in 0 ..< rows.count { for d in 0 ..< k { F[row * dims + d] = scale * rng.nextGaussian() } }
            return F
        }
        return (block(userRows, firstSample: userRows.lowerBound * k),
                block(itemRows, firstSample: (users + itemRows.lowerBound) * k))
    }

    /// Per-dimension λ: `regularization` for the factors, then `biasRegularization` (default
    /// `regularization`) for the bias dimension when dims = k + 1.
    static func regularization(_ config: ALSConfiguration, dims: Int) -> [Float] {
        var r = [Float](repeating: config.regularization, count: dims)
        if dims > config.factors { r[config.factors] = config.biasRegularization ?? config.regularization }
        return r
    }

    /// WALS per-item confidence from the training counts (weighted mode), else nil.
    static func walsItemWeights(_ config: ALSConfiguration, itemCounts: [Int]) -> [Float]? {
        config.mode == .weighted ? itemCounts.map { ALSWeights.wals(count: $0, config.walsWeighting) } : nil
    }

    /// eALS per-item missing weight from the training counts (implicit mode with β ≠ 0), else
    /// nil (uniform 1).
    static func missingWeights(_ config: ALSConfiguration, itemCounts: [Int]) -> [Float]? {
        config.mode == .implicit && config.missingWeightExponent != 0
            ? ALSWeights.missingWeights(counts: itemCounts, exponent: config.missingWeightExponent,
                                        total: config.missingWeightTotal) : nil
    }

    /// Whether a mode has missing-cell weight (a Gram term) at all.
    static func usesGram(_ mode: ALSConfiguration.Mode) -> Bool { mode == .dense || mode == .implicit }

    /// The fixed side for a half-step: [factors, 1] and the bias offsets, or the factors as is.
    func fixedSide(_ F: [Float], rows: Int) -> (fixed: [Float], offsets: [Float]?) {
        Self.fixedSide(F, rows: rows, dims: dims, biasColumn: hasBias ? k : nil)
    }

    /// `F` with column `biasColumn` replaced by 1 and its values returned as offsets; `F` as is
    /// when there is no bias column.
    static func fixedSide(_ F: [Float], rows: Int, dims: Int, biasColumn: Int?) -> (fixed: [Float], offsets: [Float]?) {
        guard let k = biasColumn else { return (F, nil) }
        var copy = F
        var offsets = [Float](repeating: 0, count: rows)
        for r in 0 ..< rows {
            offsets[r] = F[r * dims + k]
            copy[r * dims + k] = 1
        }
        return (copy, offsets)
    }

    private var usesGram: Bool { Self.usesGram(config.mode) }

    /// Runs `body` with one half-step's problem: rows = users and fixed = items when
    /// `users` is true, else rows = items and fixed = users. The implicit item half-step scales
    /// the users' Gram per item by w_item; the user half-step folds w_i into its Gram.
    ///
    /// `gramRows` computes only those rows of the Gram (`_gramRows`), for a half-step that solves
    /// only that block of dimensions; nil computes all of it.
    func withProblem<R>(users: Bool, gramRows: Range<Int>? = nil, _ body: (_HalfStep) throws -> R) rethrows -> R {
        let (fixedRows, matrix) = users ? (data.items, data.byUser) : (data.users, data.byItem)
        let (fixed, offsets) = fixedSide(users ? V : U, rows: fixedRows)
        let G = fixed.withUnsafeBufferPointer { F in
            (users ? missingWeight : nil).withOptionalPointer { w in
                !usesGram ? [Float](repeating: 0, count: dims * dims)
                    : gramRows.map { _gramRows($0, rows: fixedRows, dims: dims, fixed: F._start, weights: w) }
                    ?? _gram(rows: fixedRows, dims: dims, fixed: F._start, weights: w)
            }
        }
        return try _HalfStep.withProblem(
            config: config, dims: dims, mean: mean, users: users, matrix: matrix, firstRow: 0, fixed: fixed,
            offsets: offsets, gram: G, reg: reg, rowRegScale: users ? userRegScale : itemRegScale,
            walsItemWeight: walsItemWeight, missingWeight: missingWeight, body)
    }

    /// Solves for [x_u (, b_u)] given the items; with `dimensions` (subspace solver only), one
    /// block step of those dimensions per row, the others held, with `predictions` the cache of
    /// `byUser`'s entries when the caller keeps one (`iterate`).
    mutating func userHalfStep(iteration: Int, dimensions: Range<Int>? = nil,
                               predictions: UnsafeMutablePointer<Float>? = nil) throws {
        var X = U
        try withProblem(users: true, gramRows: dimensions) { step in
            try X.withUnsafeMutableBufferPointer { X in
                try step.solve(into: X._start, configuration: config, threads: threads, paths: paths,
                               dimensions: dimensions, predictions: predictions)
            }
        }
        if hasBias { for r in 0 ..< data.users where data.byUser.count(of: r) == 0 { X[r * dims + k] = 0 } }
        try Self.checkFinite(X, side: "user", iteration: iteration)
        U = X
    }

    /// Solves for [y_i (, b_i)] given the users; `dimensions` and `predictions` (of `byItem`'s
    /// entries) as in `userHalfStep`.
    mutating func itemHalfStep(iteration: Int, dimensions: Range<Int>? = nil,
                               predictions: UnsafeMutablePointer<Float>? = nil) throws {
        var Y = V
        try withProblem(users: false, gramRows: dimensions) { step in
            try Y.withUnsafeMutableBufferPointer { Y in
                try step.solve(into: Y._start, configuration: config, threads: threads, paths: paths,
                               dimensions: dimensions, predictions: predictions)
            }
        }
        try Self.checkFinite(Y, side: "item", iteration: iteration)
        V = Y
    }

    private static func checkFinite(_ a: [Float], side: String, iteration: Int) throws {
        for v in a where !v.isFinite { throw ALSError.nonFinite(side: side, iteration: iteration) }
    }

    /// The exact objective: the data term through the user half-step's Gram (so missing cells are
    /// never visited) plus Σ λ_row‖row‖² over both sides.
    func loss() throws -> Double {
        let data = try withProblem(users: true) { step in
            try U.withUnsafeBufferPointer { try step.dataLoss($0._start, threads: threads) }
        }
        return data + penalty(U, rows: self.data.users, scale: userRegScale)
            + penalty(V, rows: self.data.items, scale: itemRegScale)
    }

    private func penalty(_ F: [Float], rows: Int, scale: [Float]?) -> Double {
        Self.penalty(F, rows: 0 ..< rows, dims: dims, reg: reg, scale: scale)
    }

    /// Σ λ_row‖row‖² over `rows` of `F` (rows × dims, row-major), summed in row order in Double;
    /// `scale` is indexed from `rows.lowerBound` (nil = 1 everywhere).
    static func penalty(_ F: [Float], rows: Range<Int>, dims: Int, reg: [Float], scale: [Float]?) -> Double {
        var total = 0.0
        for r in rows {
            var s = 0.0
            for d in 0 ..< dims { let v = Double(F[r * dims + d]); s += Double(reg[d]) * v * v }
            total += s * Double(scale?[r - rows.lowerBound] ?? 1)
        }
        return total
    }

    /// The trained model, splitting the bias column off, with the item counts fold-in needs and
    /// the training interactions as its seen items.
    func model(lossHistory: [Double]) throws -> ALSModel {
        try Self.model(config: config, U: U, V: V, mean: mean, userIDs: data.userIDs, itemIDs: data.itemIDs,
                       lossHistory: lossHistory, itemCounts: { (0 ..< data.items).map { data.byItem.count(of: $0) } },
                       seen: _SeenMatrix(data.byUser))
    }

    /// The model of factors `U` and `V` (with the bias column when `config` has biases).
    /// `itemCounts` is asked only when fold-in needs them.
    static func model(config: ALSConfiguration, U: [Float], V: [Float], mean: Float, userIDs: IDMap, itemIDs: IDMap,
                      lossHistory: [Double], itemCounts: () -> [Int], seen: _SeenMatrix?) throws -> ALSModel {
        let k = config.factors
        let hasBias = config.mode == .explicit && config.biases
        let dims = hasBias ? k + 1 : k
        func split(_ F: [Float]) -> ([Float], [Float]) {
            guard hasBias else { return (F, []) }
            let rows = F.count / dims
            var f = [Float](repeating: 0, count: rows * k)
            var b = [Float](repeating: 0, count: rows)
            for r in 0 ..< rows {
                for d in 0 ..< k { f[r * k + d] = F[r * dims + d] }
                b[r] = F[r * dims + k]
            }
            return (f, b)
        }
        let (uf, ub) = split(U)
        let (vf, vb) = split(V)
        let model = try ALSModel(factors: k, userFactors: uf, itemFactors: vf, userBiases: ub, itemBiases: vb,
                                 globalMean: mean, userIDs: userIDs, itemIDs: itemIDs,
                                 configuration: config, lossHistory: lossHistory)
        // Fold-in of some modes weighs items by their training counts: keep them. The seen
        // items share the training matrix's arrays (no copy).
        return try model._with(itemCounts: model.foldInNeedsItemCounts ? itemCounts() : nil, seen: seen)
    }

    /// The raw augmented factors (for tests comparing half-steps against the reference).
    var rawUsers: [Float] { U }
    var rawItems: [Float] { V }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's storage, or nil.
    @inline(__always)
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        switch self {
        case .none: return try body(nil)
        case .some(let a): return try a.withUnsafeBufferPointer { try body($0.baseAddress) }
        }
    }
}

