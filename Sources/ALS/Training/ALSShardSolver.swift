/// Distributed training's entry into the engine (`ALSDistributed`, `als-mpi`): the pieces of one
/// `ALSTrainer` iteration over a block of rows, so that each rank solves its own users and items
/// with the same kernels, the same objective and the same seeded initialisation as
/// single-process training. Not API: `@_spi(Engine)`, for the distributed layer only.
///
/// A rank holds its block of user factors and of item factors (rows × dims, row-major; dims = k,
/// or k + 1 with biases), the CSR rows of its users and the CSC columns of its items. One
/// half-step is: `partialGram` over the rank's block of the fixed side (summed across ranks by
/// the caller), `solve` of the rank's rows against the fixed side's rows the caller gathered
/// (`fixedSide` of them: all rows, or only the `columns` the block touches). A block's matrix
/// has local outer indices, row i being row `firstRow + i` of its side, and inner indices that
/// are global, or positions in `columns` when the fixed side is compact.
@_spi(Engine)
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

    /// Rows `userRows` and `itemRows` of the seeded initial factors, bitwise those of
    /// `ALSTrainer` for the same configuration; only those rows are drawn.
    public func initialFactors(userRows: Range<Int>, itemRows: Range<Int>) -> (users: [Float], items: [Float]) {
        let (U, V) = _TrainingState.initialFactors(configuration, users: users, userRows: userRows, itemRows: itemRows)
        return (U, V)
    }

    /// The fixed side of a half-step: the factors with the bias column replaced by 1 and the
    /// biases kept as target offsets (explicit mode with biases), else the factors as they are.
    public struct FixedSide: Sendable {
        let factors: [Float]
        let offsets: [Float]?
    }

    private var hasBias: Bool { dims > configuration.factors }

    /// Prepares `factors` (rows × dims: all rows of a side, a block, or the rows a block touches)
    /// as a fixed side.
    public func fixedSide(_ factors: [Float]) -> FixedSide {
        precondition(factors.count % dims == 0, "whole rows of factors")
        let (copy, offsets) = _TrainingState.fixedSide(factors, rows: factors.count / dims, dims: dims,
                                                        biasColumn: hasBias ? configuration.factors : nil)
        return FixedSide(factors: copy, offsets: offsets)
    }

    /// Σ_i w_i f_i f_iᵀ over the rows of `fixed`, which are rows `firstRow…` of `side` (the fixed
    /// side's; w is the missing weight of items in the user half-step, 1 otherwise), dims × dims,
    /// both triangles. The sum over every rank's block is the single-process Gram up to Float
    /// rounding; over all rows (`firstRow` 0) it is bitwise the single-process Gram.
    public func partialGram(_ fixed: FixedSide, of side: Side, firstRow: Int) -> [Float] {
        let rows = fixed.factors.count / dims
        guard needsGram, rows > 0 else { return [Float](repeating: 0, count: dims * dims) }
        return fixed.factors.withUnsafeBufferPointer { F in
            if side == .items, let w = missingWeight {
                return w.withUnsafeBufferPointer { _gram(rows: rows, dims: dims, fixed: F._start, weights: $0._start + firstRow) }
            }
            return _gram(rows: rows, dims: dims, fixed: F._start, weights: nil)
        }
    }

    /// Solves the rows of `matrix` (rows `firstRow ..< firstRow + matrix.outerCount` of `side`)
    /// against the fixed side and its summed Gram, into `X` (the block's rows; its current values
    /// are CG's and the subspace solver's warm start).
    ///
    /// - Parameter columns: nil when `fixed` holds every row of the other side (inner indices
    ///   global), else the global index of each row of `fixed`, ascending, the matrix's inner
    ///   indices being positions in it.
    /// - Throws: `ALSError.notPositiveDefinite` and the kernel errors of `ALSTrainer.fit`.
    /// - Precondition: `X.count == matrix.outerCount * dims`; `gram` is dims × dims.
    public func solve(_ side: Side, rows matrix: CompressedMatrix, firstRow: Int, fixed: FixedSide, columns: [Int32]?,
                      gram: [Float], into X: inout [Float]) throws {
        precondition(X.count == matrix.outerCount * dims && gram.count == dims * dims, "the block's factors, a dims × dims Gram")
        try withProblem(side, matrix: matrix, firstRow: firstRow, fixed: fixed, columns: columns, gram: gram) { step in
            try X.withUnsafeMutableBufferPointer { X in
                try step.solve(into: X._start, configuration: configuration, threads: threads)
            }
        }
        if side == .users && hasBias {
            for r in 0 ..< matrix.outerCount where matrix.count(of: r) == 0 { X[r * dims + dims - 1] = 0 }
        }
    }

    /// The data term of the loss over the users of `byUser` (rows `firstRow…` of the users, their
    /// factors `U`), in Double and row order, against the items `fixed` (see `solve`'s
    /// `columns`) and their Gram summed over all items.
    public func dataLoss(byUser matrix: CompressedMatrix, firstRow: Int, users U: [Float], fixed: FixedSide,
                         columns: [Int32]?, gram: [Float]) throws -> Double {
        precondition(U.count == matrix.outerCount * dims, "the block's user factors")
        return try withProblem(.users, matrix: matrix, firstRow: firstRow, fixed: fixed, columns: columns, gram: gram) { step in
            try U.withUnsafeBufferPointer { try step.dataLoss($0._start, threads: threads) }
        }
    }

    /// Σ λ_row‖row‖² over the rows of `matrix` with factors `F` (the block's rows), in row order.
    public func penalty(_ side: Side, factors F: [Float], rows matrix: CompressedMatrix) -> Double {
        _TrainingState.penalty(F, rows: 0 ..< matrix.outerCount, dims: dims, reg: reg, scale: regScale(side, matrix))
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

    private func withProblem<R>(_ side: Side, matrix: CompressedMatrix, firstRow: Int, fixed: FixedSide, columns: [Int32]?,
                                gram: [Float], _ body: (_HalfStep) throws -> R) rethrows -> R {
        // Per-item weights are indexed by the inner index in the user half-step: compact them
        // with the columns.
        func compact(_ w: [Float]?) -> [Float]? {
            guard let w, let columns, side == .users else { return w }
            return columns.map { w[Int($0)] }
        }
        return try _HalfStep.withProblem(
            config: configuration, dims: dims, mean: mean, users: side == .users, matrix: matrix, firstRow: firstRow,
            fixed: fixed.factors, offsets: fixed.offsets, gram: gram, reg: reg, rowRegScale: regScale(side, matrix),
            walsItemWeight: compact(walsItemWeight), missingWeight: compact(missingWeight), body)
    }
}
