internal import CALSKernels

/// The iALS++ subspace solver over blocks of rows: every row of a block of `subspaceBatchRows`
/// consecutive rows takes dimension block B at the same time, so the Gram part of all their
/// residuals is one `sgemm`,
///
///     GXB = X_rows · G_B,:ᵀ        (rows × dims times dims × b),
///
/// and G is read once per block of rows instead of once per row (the per-row kernel reads all of
/// G, 1 MiB at 512 factors, once per row and sweep); with one block and one sweep (the
/// interleaved schedule) it is one `sgemm` for all rows of the half-step. Each row's
/// block step (`als_subspace_block_step`) then does exactly what `als_solve_subspace_row` does
/// for it, in the same order, so the result is the per-row sweep's up to rounding.
extension _HalfStep {
    /// Rows per block. A row's fixed-side rows are re-read once per dimension block, so the
    /// block of rows should keep them in L2 (16 rows × ~27 entries × 2 KiB at 512 factors is
    /// about 0.9 MiB) while G is still read once per 16 rows instead of once per row. One loaded
    /// measurement on Gowalla at 256 factors, block 32: 64 rows 7.5 s per iteration, 16 rows
    /// 6.4–6.8 s (BENCHMARKS.md, "Large factor counts").
    static let subspaceBatchRows = 16

    /// Solves every row into `X` (which holds the warm start) with `sweeps` passes over the
    /// dimensions in blocks of `block` (clamped to 1 ... dims); with `dimensions`, over the blocks
    /// of that range only (the interleaved schedule passes one block), the rest of x held.
    ///
    /// `predictions`, when given, is the prediction cache s of every entry of `matrix` (in its
    /// entry order, s = fixed row · x), current on entry and kept current: the rows then skip
    /// their `als_subspace_predict` pass (nnz·dims of scattered reads), which the interleaved
    /// schedule would otherwise pay once per block instead of once per half-step.
    ///
    /// A row shorter than the block takes the block step in the block's eigenbasis
    /// (`_SubspaceBasis`, the same step up to rounding) where that costs less; `eigen` forces it
    /// on (true, for every row it applies to) or off (false).
    ///
    /// - Precondition: `dimensions` lies within `0 ..< dims`.
    func solveSubspace(into X: UnsafeMutablePointer<Float>, block: Int, sweeps: Int, dimensions: Range<Int>? = nil,
                       predictions: UnsafeMutablePointer<Float>? = nil, eigen: Bool? = nil, threads: Int) throws {
        let k = Int32(dims), m = Self.subspaceBatchRows, bmax = max(1, min(block, dims))
        let range = dimensions ?? 0 ..< dims
        let hasGram = gramScale != 0 || rowGramScale != nil
        let bases = try subspaceBases(range: range, block: bmax, sweeps: sweeps, override: eigen, threads: threads)
        // One block and one sweep (the interleaved schedule): every row's x is read before any row
        // moves its own block, so GXB for all rows is one sgemm here, instead of one per block of
        // rows that re-packs the b × dims slice of G for 16 rows (16 % of an epoch at 1,024 factors).
        // Up to 2²⁶ floats (256 MiB; 524,288 rows at b = 128); beyond, per block of rows as before.
        let wholeFloats = matrix.outerCount * range.count
        let whole: UnsafeMutablePointer<Float>? = hasGram && sweeps == 1 && range.count <= bmax && matrix.outerCount > m
            && wholeFloats <= 1 << 26
            ? UnsafeMutablePointer<Float>.allocate(capacity: wholeFloats) : nil
        defer { whole?.deallocate() }
        if let whole {
            _BLAS.gemmNT(m: matrix.outerCount, n: range.count, k: dims, alpha: 1, a: X, lda: dims,
                         b: gram + range.lowerBound * dims, ldb: dims, beta: 0, c: whole, ldc: range.count)
        }
        try forEachRowBlock(rowsPerBlock: m, scratchFloats: { longest in
            let assembled = als_subspace_block_scratch_floats(k, Int32(bmax), Int64(longest))
            return longest + m * bmax + Int(max(assembled, als_subspace_eigen_scratch_floats(Int32(bmax), Int64(longest))))
        }, threads: threads) { rowBlock in
            let rows = rowBlock.rows
            let longest = Int(rowBlock.offsets[rows.upperBound] - rowBlock.offsets[rows.lowerBound])
            let s = rowBlock.scratch, GXB = s + max(1, longest), step = GXB + m * bmax
            let xs = X + rows.lowerBound * dims
            // The block's cache: the caller's, or computed here into the scratch.
            let cache = predictions.map { $0 + rowBlock.base } ?? s
            if predictions == nil {
                for (i, row) in rows.enumerated() {
                    let e = rowBlock.entries(of: row)
                    try _check(als_subspace_predict(k, e.n, e.idx, fixed, Int64(dims), xs + i * dims, s + e.start).rawValue,
                               "als_subspace_predict", side: side, row: row)
                }
            }
            if !hasGram { GXB.update(repeating: 0, count: m * bmax) }
            for _ in 0 ..< sweeps {
                for (blockIndex, b0) in stride(from: range.lowerBound, to: range.upperBound, by: bmax).enumerated() {
                    let b = min(bmax, range.upperBound - b0)
                    var gxb = GXB
                    if let whole {
                        gxb = whole + rows.lowerBound * b
                    } else if hasGram {
                        _BLAS.gemmNT(m: rows.count, n: b, k: dims, alpha: 1, a: xs, lda: dims, b: gram + b0 * dims, ldb: dims,
                                     beta: 0, c: GXB, ldc: b)
                    }
                    for (i, row) in rows.enumerated() {
                        let e = rowBlock.entries(of: row)
                        let gscale = rowGramScale?[row] ?? gramScale, regScale = rowRegScale?[row] ?? 1
                        if let basis = bases[blockIndex],
                           Self.takesEigenStep(n: Int(e.n), b: b, gscale: gscale, rho: regScale * reg[b0], d: e.d, override: eigen) {
                            let status = basis.lambda.withUnsafeBufferPointer { lambda in
                                basis.vectors.withUnsafeBufferPointer { E in
                                    basis.z.withUnsafeBufferPointer { Z in
                                        als_subspace_eigen_block_step(k, gscale, regScale * reg[b0], lambda._start, E._start,
                                                                      e.n, e.idx, e.d, e.t, Z._start, Int32(b0), Int32(b),
                                                                      gxb + i * b, xs + i * dims, cache + e.start, step)
                                    }
                                }
                            }
                            try _check(status.rawValue, "als_subspace_eigen_block_step", side: side, row: row)
                            continue
                        }
                        let status = als_subspace_block_step(k, gram, gscale, reg, regScale,
                                                             e.n, e.idx, e.d, e.t, fixed, Int64(dims), Int32(b0), Int32(b),
                                                             gxb + i * b, xs + i * dims, cache + e.start, step)
                        try _check(status.rawValue, "als_subspace_block_step", side: side, row: row)
                    }
                }
            }
        }
    }
}
