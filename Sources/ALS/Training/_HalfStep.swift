internal import CALSKernels

/// One half-step of weighted ALS: solve every row of `matrix` (its outer dimension) against the
/// fixed factors, each row's system being
///
///     A = gscale_row·G + diag(regScale_row·reg) + Σ_j (c_j − w_j)·y_j y_jᵀ,   b = Σ_j c_j p_j y_j
///
/// where G = Σ_i w_i y_i y_iᵀ was computed once for the half-step (see `_Gram`). No dense
/// users×items matrix and no allocation per row: each worker owns its scratch.
internal struct _HalfStep {
    /// Unknowns per row (k, or k + 1 with a bias column).
    var dims: Int
    var matrix: CompressedMatrix
    /// Fixed side, `fixedRows × dims` row-major.
    var fixed: UnsafePointer<Float>
    /// dims × dims, full symmetric (both triangles), or all zeros when w = 0.
    var gram: UnsafePointer<Float>
    /// Gram multiplier for every row, or per row (implicit item half-step: w_item).
    var gramScale: Float
    var rowGramScale: UnsafePointer<Float>?
    /// Per-dimension λ (the bias dimension may differ).
    var reg: UnsafePointer<Float>
    /// Per-row λ multiplier (frequency-scaled regularisation), nil = 1.
    var rowRegScale: UnsafePointer<Float>?
    var rule: _EntryRule
    /// "user" or "item", for error messages.
    var side: String

    var maxRow: Int {
        var m = 0
        for r in 0 ..< matrix.outerCount { m = max(m, matrix.count(of: r)) }
        return m
    }

    /// Per-worker scratch: five per-entry arrays plus the kernel's own scratch.
    struct Scratch {
        let buffer: UnsafeMutablePointer<Float>
        let rowCapacity: Int
        init(rowCapacity: Int, kernelFloats: Int) {
            self.rowCapacity = rowCapacity
            buffer = .allocate(capacity: 5 * rowCapacity + kernelFloats)
        }
        var c: UnsafeMutablePointer<Float> { buffer }
        var p: UnsafeMutablePointer<Float> { buffer + rowCapacity }
        var w: UnsafeMutablePointer<Float> { buffer + 2 * rowCapacity }
        var d: UnsafeMutablePointer<Float> { buffer + 3 * rowCapacity }
        var t: UnsafeMutablePointer<Float> { buffer + 4 * rowCapacity }
        var kernel: UnsafeMutablePointer<Float> { buffer + 5 * rowCapacity }
    }

    func withScratch<R>(threads: Int, kernelFloats: Int, _ body: ([Scratch]) throws -> R) rethrows -> R {
        let cap = max(1, maxRow)
        let scratch = (0 ..< threads).map { _ in Scratch(rowCapacity: cap, kernelFloats: kernelFloats) }
        defer { for s in scratch { s.buffer.deallocate() } }
        return try body(scratch)
    }

    /// Dimensions from which CG may run in blocks of rows (`solveBatchedCG`) when the half-step
    /// has a Gram term: there the per-row Gram product (dims² per row and step, BLAS-2) can
    /// outweigh the sparse part (n·dims for a row of n entries) that a row's gather speeds up.
    static let batchedCGMinimumDims = 128

    /// Whether CG runs in blocks of rows: `override` when given (tests), else with a Gram term
    /// (explicit and weighted modes have none to share), from `batchedCGMinimumDims`, and when
    /// the rows are shorter than `dims` on average, so that the Gram product is the larger part
    /// of a row's work. On the ML-20M shape at 128 factors (rows of 144 and 748 entries on
    /// average) row-by-row CG took 4.26 s per iteration against 4.99 s batched; on Gowalla
    /// (20–27 entries) batching is the faster path from 128 factors (BENCHMARKS.md).
    func usesBatchedCG(override: Bool?) -> Bool {
        if let override { return override }
        let rows = max(matrix.outerCount, 1)
        return (gramScale != 0 || rowGramScale != nil) && dims >= Self.batchedCGMinimumDims
            && matrix.values.count < rows * dims
    }

    /// Which implementation runs a solver, where there is a choice. nil everywhere (the default)
    /// chooses by size (`usesBatchedCG`, `usesLAPACKCholesky`, `usesSubspaceEigenStep`); tests
    /// force one or the other.
    struct Paths {
        var batchedCG: Bool? = nil
        var lapackCholesky: Bool? = nil
        /// The subspace solver's eigenbasis block step (`usesSubspaceEigenStep`): true takes it
        /// for every row it applies to whatever the cost, false never.
        var subspaceEigen: Bool? = nil
        /// Exact solves of short rows in the Gram's eigenbasis (`exactSolveBasis`): true takes
        /// it for every row it applies to whatever the cost, false never.
        var exactEigen: Bool? = nil
    }

    /// Solves every row into `X` (rows × dims, row-major) with `configuration`'s solver (and its
    /// `cgSteps`, `blockSize`, `sweeps`). With CG and subspace, `X` holds the warm start.
    /// `paths` overrides the choice of implementation (see `Paths`). `dimensions` (subspace
    /// solver only) solves just that block of dimensions, once per row, with `predictions` the
    /// entries' prediction cache when the caller keeps one (see `solveSubspace`).
    func solve(into X: UnsafeMutablePointer<Float>, configuration: ALSConfiguration, threads: Int,
               paths: Paths = Paths(), dimensions: Range<Int>? = nil,
               predictions: UnsafeMutablePointer<Float>? = nil) throws {
        let k = Int32(dims)
        precondition(dimensions == nil || configuration.solver == .subspace, "a block of dimensions needs the subspace solver")
        switch configuration.solver {
        case .subspace:
            if let dimensions {
                return try solveSubspace(into: X, block: dimensions.count, sweeps: 1, dimensions: dimensions,
                                         predictions: predictions, eigen: paths.subspaceEigen, threads: threads)
            }
            return try solveSubspace(into: X, block: configuration.blockSize, sweeps: configuration.sweeps,
                                     eigen: paths.subspaceEigen, threads: threads)
        case .cg where usesBatchedCG(override: paths.batchedCG):
            return try solveBatchedCG(into: X, steps: configuration.cgSteps, threads: threads)
        case .cholesky where usesLAPACKCholesky(override: paths.lapackCholesky):
            return try solveCholeskyLAPACK(into: X, threads: threads, eigen: paths.exactEigen)
        case .cholesky, .cg:
            break
        }
        // Row by row through one kernel call each.
        let cholesky = configuration.solver == .cholesky
        let eigen = cholesky ? try exactEigenPath(override: paths.exactEigen, threads: threads) : nil
        let kernelFloats = max(Int(cholesky ? als_cholesky_scratch_floats(k) : als_cg_scratch_floats(k)), eigen?.scratchFloats ?? 0)
        let name: StaticString = cholesky ? "als_solve_cholesky_row" : "als_solve_cg_row"
        try withScratch(threads: threads, kernelFloats: kernelFloats) { scratch in
            try matrix.outerOffsets.withUnsafeBufferPointer { Ap in
                try matrix.innerIndices.withUnsafeBufferPointer { Ai in
                    try matrix.values.withUnsafeBufferPointer { Ax in
                        try _parallelFor(count: matrix.outerCount, threads: threads, chunk: 64) { rows, worker in
                            let s = scratch[worker]
                            for row in rows {
                                let lo = Int(Ap[row]), hi = Int(Ap[row + 1])
                                rule.fill(row: row, range: lo ..< hi, inner: Ai._start, values: Ax._start,
                                          c: s.c, p: s.p, w: s.w, d: s.d, t: s.t)
                                let gs = rowGramScale?[row] ?? gramScale
                                let rs = rowRegScale?[row] ?? 1
                                let x = X + row * dims
                                let idx = Ai._start + lo
                                let n = Int64(hi - lo)
                                if let eigen, try solveExactInEigenbasis(eigen, row: row, n: hi - lo, idx: idx, d: s.d, t: s.t,
                                                                         gscale: gs, regScale: rs, x: x, scratch: s.kernel,
                                                                         override: paths.exactEigen) {
                                    continue
                                }
                                let status = cholesky
                                    ? als_solve_cholesky_row(k, gram, gs, reg, rs, n, idx, s.d, s.t, fixed, Int64(dims), x, s.kernel)
                                    : als_solve_cg_row(k, gram, gs, reg, rs, n, idx, s.d, s.t, fixed, Int64(dims),
                                                       Int32(configuration.cgSteps), x, s.kernel)
                                try _check(status.rawValue, name, side: side, row: row)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The data term of the loss summed over rows, in Double: Σ_observed c (p − s)² + Σ_missing w s².
    /// Per-row results are summed in row order, so the figure does not depend on `threads`.
    func dataLoss(_ X: UnsafePointer<Float>, threads: Int) throws -> Double {
        var perRow = [Double](repeating: 0, count: matrix.outerCount)
        try withScratch(threads: threads, kernelFloats: 0) { scratch in
            try perRow.withUnsafeMutableBufferPointer { out in
                let out = out._start
                try matrix.outerOffsets.withUnsafeBufferPointer { Ap in
                    try matrix.innerIndices.withUnsafeBufferPointer { Ai in
                        try matrix.values.withUnsafeBufferPointer { Ax in
                            try _parallelFor(count: matrix.outerCount, threads: threads, chunk: 256) { rows, worker in
                                let s = scratch[worker]
                                for row in rows {
                                    let lo = Int(Ap[row]), hi = Int(Ap[row + 1])
                                    rule.fill(row: row, range: lo ..< hi, inner: Ai._start, values: Ax._start,
                                              c: s.c, p: s.p, w: s.w, d: s.d, t: s.t)
                                    let gs = rowGramScale?[row] ?? gramScale
                                    let status = als_row_loss(Int32(dims), gram, gs, Int64(hi - lo), Ai._start + lo,
                                                              s.c, s.p, s.w, fixed, Int64(dims), X + row * dims, out + row)
                                    try _check(status.rawValue, "als_row_loss", side: side, row: row)
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = 0.0
        for v in perRow { total += v }
        return total
    }
}
