internal import CALSKernels

/// Conjugate gradient over blocks of rows (BLAS-3): the same iteration as `als_solve_cg_row`,
/// but the Gram products of a block of `cgBatchRows` consecutive rows are one `sgemm` per step,
///
///     GX = X_block · G,   GP = P_block · G        (block × dims times dims × dims),
///
/// where the per-row kernel multiplies G by one vector per row (BLAS-2: the whole dims × dims
/// Gram, 4 MiB at 1,024 factors, streamed from memory once per row and step). The sparse part
/// and the scalar updates stay per row (`als_cg_batch_start`, `als_cg_batch_step`).
extension _HalfStep {
    /// Rows per block: one `sgemm` of 64 × dims × dims per step, and the block's per-row state
    /// (r, p, G·p: 3 × 64 × dims floats, 768 KiB at 1,024 factors) stays near the cache.
    static let cgBatchRows = 64

    /// Solves every row into `X` (which holds the warm start) with `steps` CG steps per row.
    func solveBatchedCG(into X: UnsafeMutablePointer<Float>, steps: Int, threads: Int) throws {
        let k = Int32(dims), m = Self.cgBatchRows
        try forEachRowBlock(rowsPerBlock: m, scratchFloats: { _ in 3 * m * dims + dims + m }, threads: threads) { block in
            let rows = block.rows
            let R = block.scratch, P = R + m * dims, GP = P + m * dims
            let ApScratch = GP + m * dims, rs = ApScratch + dims
            let xs = X + rows.lowerBound * dims
            // Calls `body(i, gramScale, regScale, entries)` for each row of the block.
            func eachRow(_ name: StaticString,
                         _ body: (Int, Float, Float, (n: Int64, idx: UnsafePointer<Int32>, d: UnsafePointer<Float>,
                                                      t: UnsafePointer<Float>, start: Int)) -> als_status_t) throws {
                for (i, row) in rows.enumerated() {
                    let status = body(i, rowGramScale?[row] ?? gramScale, rowRegScale?[row] ?? 1, block.entries(of: row))
                    try _check(status.rawValue, name, side: side, row: row)
                }
            }
            _BLAS.gemmNT(m: rows.count, n: dims, k: dims, alpha: 1, a: xs, lda: dims, b: gram, ldb: dims,
                         beta: 0, c: GP, ldc: dims)
            try eachRow("als_cg_batch_start") { i, gs, regs, e in
                let v = i * dims
                return als_cg_batch_start(k, gs, reg, regs, e.n, e.idx, e.d, e.t, fixed, Int64(dims),
                                          GP + v, xs + v, R + v, P + v, rs + i)
            }
            for _ in 0 ..< steps {
                if (0 ..< rows.count).allSatisfy({ rs[$0] < 1e-20 }) { break }
                _BLAS.gemmNT(m: rows.count, n: dims, k: dims, alpha: 1, a: P, lda: dims, b: gram, ldb: dims,
                             beta: 0, c: GP, ldc: dims)
                try eachRow("als_cg_batch_step") { i, gs, regs, e in
                    let v = i * dims
                    return als_cg_batch_step(k, gs, reg, regs, e.n, e.idx, e.d, fixed, Int64(dims),
                                             GP + v, P + v, xs + v, R + v, rs + i, ApScratch)
                }
            }
        }
    }
}
