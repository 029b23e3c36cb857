/// Distributed training's entry into the engine (`ALSDistributed`, `als-mpi`): the pieces of one
/// `ALSTrainer` iteration over a block of rows, so that each rank solves its own users and items
/// with the same kernels, the same objective and the same seeded initialisation as
/// single-process training. Not API: `@_spi(Distributed)`, for the distributed layer only.
///
/// A rank holds both factor matrices in full (users × dims, items × dims, row-major; dims = k,
/// or k + 1 with biases) and the CSR rows of its users and the CSC columns of its items. One
/// half-step is: `fixedSide` of the fixed side, `partialGram` over the rank's block of it
/// (summed across ranks by the caller), `solve` into the rank's rows, then the caller exchanges
/// the blocks. A block's matrix has global inner indices and local outer ones: row i of it is
/// row `firstRow + i` of its side.
@_spi(Distributed)
public struct ALSShardSolver: Sendable {
    /// Which side a half-step solves (or which side a matrix of factors is).
    public enum Side: Sendable { case users, items }

    public let configuration: ALSConfiguration
    public let users: Int
    public let items: Int
    /// Unknowns per row: k, or k + 1 with biases.
    public let dims: Int
    /// The global mean subtracted in explicit mode (0 otherwise).
    public let mean: Float
    let reg: [Float]
    let walsItemWeight: [Float]?
    let missingWeight: [Float]?
    let threads: Int

    /// - Parameters:
    ///   - itemCounts: every item's number of observations (global), as single-process training
    ///     counts them.
    ///   - valueSum: Σ of all values in user-major order, summed in Double (the global mean is
    ///     `valueSum / nonZeros`, exactly as `ALSTrainer` computes it).
    ///   - entryWeights: whether the matrix carries per-entry weights (weighted mode).
    /// - Throws: `ALSError.invalidConfiguration` as `ALSTrainer.init`.
    /// - Precondition: `itemCounts.count == items`.
    public init(configuration config: ALSConfiguration, users: Int, items: Int, itemCounts: [Int],
                valueSum: Double, nonZeros: Int, entryWeights: Bool = false) throws {
        try config.validate()
        precondition(itemCounts.count == items, "one count per item")
        configuration = config
        self.users = users
        self.items = items
        dims = config.mode == .explicit && config.biases ? config.factors + 1 : config.factors
        mean = config.mode == .explicit && config.globalMean && nonZeros > 0 ? Float(valueSum / Double(nonZeros)) : 0
        reg = _TrainingState.regularization(config, dims: dims)
        walsItemWeight = entryWeights ? nil : _TrainingState.walsItemWeights(config, itemCounts: itemCounts)
        missingWeight = _TrainingState.missingWeights(config, itemCounts: itemCounts)
        threads = _resolvedThreads(config.threads)
    }

    /// Whether the mode has a Gram term (implicit, dense); without one `partialGram` is zeros and
    /// need not be summed.
    public var needsGram: Bool { _TrainingState.usesGram(configuration.mode) }

    /// The seeded initial factors, bitwise those of `ALSTrainer` for the same configuration.
    public func initialFactors() -> (users: [Float], items: [Float]) {
        let (U, V) = _TrainingState.initialFactors(configuration, users: users, items: items)
        return (U, V)
    }

    /// The fixed side of a half-step: the factors with the bias column replaced by 1 and the
    /// biases kept as target offsets (explicit mode with biases), else the factors as they are.
    public struct FixedSide: Sendable {
        let factors: [Float]
        let offsets: [Float]?
    }

    private var hasBias: Bool { dims > configuration.factors }

    /// Prepares `factors` (all rows of `side`) as the fixed side of the other side's half-step.
    public func fixedSide(_ factors: [Float], of side: Side) -> FixedSide {
        let rows = side == .users ? users : items
        precondition(factors.count == rows * dims, "a full matrix of factors")
        let (copy, offsets) = _TrainingState.fixedSide(factors, rows: rows, dims: dims,
                                                        biasColumn: hasBias ? configuration.factors : nil)
        return FixedSide(factors: copy, offsets: offsets)
    }

    /// Σ_{i ∈ rows} w_i f_i f_iᵀ over a block of the fixed side (`side` is the fixed side's; w is
    /// the missing weight of items in the user half-step, 1 otherwise), dims × dims, both
    /// triangles. The sum of every rank's block is the single-process Gram up to Float rounding.
    public func partialGram(_ fixed: FixedSide, of side: Side, rows: Range<Int>) -> [Float] {
        guard needsGram, !rows.isEmpty else { return [Float](repeating: 0, count: dims * dims) }
        return fixed.factors.withUnsafeBufferPointer { F in
            let start = F._start + rows.lowerBound * dims
            if side == .items, let w = missingWeight {
                return w.withUnsafeBufferPointer { _gram(rows: rows.count, dims: dims, fixed: start, weights: $0._start + rows.lowerBound) }
            }
            return _gram(rows: rows.count, dims: dims, fixed: start, weights: nil)
        }
    }

    /// Solves the rows of `matrix` (rows `firstRow ..< firstRow + matrix.outerCount` of `side`)
    /// against the fixed side and its summed Gram, writing them into `X` (all rows of `side`; its
    /// current values are CG's and the subspace solver's warm start).
    ///
    /// - Throws: `ALSError.notPositiveDefinite` and the kernel errors of `ALSTrainer.fit`.
    /// - Precondition: `X` holds every row of `side`; `gram` is dims × dims; `matrix`'s inner
    ///   dimension is the other side's size.
    public func solve(_ side: Side, rows matrix: CompressedMatrix, firstRow: Int, fixed: FixedSide, gram: [Float],
                      into X: inout [Float]) throws {
        let total = side == .users ? users : items
        precondition(X.count == total * dims && gram.count == dims * dims, "full factors and a dims × dims Gram")
        precondition(firstRow >= 0 && firstRow + matrix.outerCount <= total, "the block lies inside its side")
        try withProblem(side, matrix: matrix, firstRow: firstRow, fixed: fixed, gram: gram) { step in
            try X.withUnsafeMutableBufferPointer { X in
                try step.solve(into: X._start + firstRow * dims, configuration: configuration, threads: threads)
            }
        }
        if side == .users && hasBias {
            for r in 0 ..< matrix.outerCount where matrix.count(of: r) == 0 { X[(firstRow + r) * dims + dims - 1] = 0 }
        }
    }

    /// The data term of the loss over the users of `byUser` (rows `firstRow…` of the users), in
    /// Double and row order, with the items as `fixed` and their Gram summed over all items.
    public func dataLoss(byUser matrix: CompressedMatrix, firstRow: Int, users U: [Float], fixed: FixedSide,
                         gram: [Float]) throws -> Double {
        precondition(U.count == users * dims, "full user factors")
        return try withProblem(.users, matrix: matrix, firstRow: firstRow, fixed: fixed, gram: gram) { step in
            try U.withUnsafeBufferPointer { try step.dataLoss($0._start + firstRow * dims, threads: threads) }
        }
    }

    /// Σ λ_row‖row‖² over the rows of `matrix` (rows `firstRow…` of `side`), in row order.
    public func penalty(_ side: Side, factors F: [Float], rows matrix: CompressedMatrix, firstRow: Int) -> Double {
        _TrainingState.penalty(F, rows: firstRow ..< firstRow + matrix.outerCount, dims: dims, reg: reg,
                               scale: regScale(side, matrix))
    }

    /// Throws `ALSError.nonFinite` when any factor of `side` is not finite, as `ALSTrainer` does
    /// after each half-step.
    public func checkFinite(_ F: [Float], side: Side, iteration: Int) throws {
        for v in F where !v.isFinite { throw ALSError.nonFinite(side: side == .users ? "user" : "item", iteration: iteration) }
    }

    /// The trained model, as `ALSTrainer.fit` returns it: biases split off, item counts kept when
    /// fold-in needs them, and `seen` (every user's item indices, CSR without values) as its
    /// seen items when given.
    /// - Throws: `ALSError.shapeMismatch` when the sizes disagree.
    public func model(users U: [Float], items V: [Float], userIDs: IDMap, itemIDs: IDMap, lossHistory: [Double],
                      itemCounts: [Int], seen: (outerOffsets: [Int64], innerIndices: [Int32])?) throws -> ALSModel {
        guard U.count == users * dims, V.count == items * dims, itemCounts.count == items else {
            throw ALSError.shapeMismatch("factors of \(U.count) and \(V.count) floats for \(users) users and \(items) items of \(dims) dimensions")
        }
        let seenMatrix = try seen.map { s -> _SeenMatrix in
            let m = CompressedMatrix(outerCount: users, innerCount: items, outerOffsets: s.outerOffsets,
                                     innerIndices: s.innerIndices, values: [])
            guard s.outerOffsets.count == users + 1, s.outerOffsets.last == Int64(s.innerIndices.count) else {
                throw ALSError.shapeMismatch("seen items of \(s.outerOffsets.count - 1) rows for \(users) users")
            }
            return _SeenMatrix(m)
        }
        return try _TrainingState.model(config: configuration, U: U, V: V, mean: mean, userIDs: userIDs, itemIDs: itemIDs,
                                        lossHistory: lossHistory, itemCounts: { itemCounts }, seen: seenMatrix)
    }

    /// Per-row λ multipliers of a block (frequency-scaled regularisation), nil when plain.
    private func regScale(_ side: Side, _ matrix: CompressedMatrix) -> [Float]? {
        let c = configuration
        guard c.regularizationExponent != 0 else { return nil }
        let universe = side == .users ? items : users
        return (0 ..< matrix.outerCount).map {
            ALSWeights.regularizationScale(count: matrix.count(of: $0), universe: universe, alpha0: c.regularizationAlpha0,
                                           exponent: c.regularizationExponent)
        }
    }

    private func withProblem<R>(_ side: Side, matrix: CompressedMatrix, firstRow: Int, fixed: FixedSide, gram: [Float],
                                _ body: (_HalfStep) throws -> R) rethrows -> R {
        try _HalfStep.withProblem(
            config: configuration, dims: dims, mean: mean, users: side == .users, matrix: matrix, firstRow: firstRow,
            fixed: fixed.factors, offsets: fixed.offsets, gram: gram, reg: reg, rowRegScale: regScale(side, matrix),
            walsItemWeight: walsItemWeight, missingWeight: missingWeight, body)
    }
}
