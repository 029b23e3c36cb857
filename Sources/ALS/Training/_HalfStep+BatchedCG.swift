internal import CALSKernels

/// Conjugate gradient over blocks of rows (BLAS-3): the same iteration as `als_solve_cg_row`,
/// but the Gram products of a block of `chunk` consecutive rows are one `sgemm` per step,
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
        let k = Int32(dims), m = Self.cgBatchRows, count = matrix.outerCount
        // Entries of the longest block: each worker keeps one block's c, p, w, d, t.
        var longestBlock = 1
        for start in stride(from: 0, to: count, by: m) {
            let lo = Int(matrix.outerOffsets[start]), hi = Int(matrix.outerOffsets[min(count, start + m)])
            longestBlock = max(longestBlock, hi - lo)
        }
        let entryFloats = 5 * longestBlock, stateFloats = 3 * m * dims + dims + m
        let buffers = (0 ..< threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: entryFloats + stateFloats) }
        defer { for b in buffers { b.deallocate() } }
        try _SingleThreadedBLAS.shared.run {
            try matrix.outerOffsets.withUnsafeBufferPointer { Ap in
                try matrix.innerIndices.withUnsafeBufferPointer { Ai in
                    try matrix.values.withUnsafeBufferPointer { Ax in
                        try _parallelFor(count: count, threads: threads, chunk: m) { rows, worker in
                            let buffer = buffers[worker]
                            let (c, p, w) = (buffer, buffer + longestBlock, buffer + 2 * longestBlock)
                            let (d, t) = (buffer + 3 * longestBlock, buffer + 4 * longestBlock)
                            let R = buffer + entryFloats, P = R + m * dims, GP = P + m * dims
                            let ApScratch = GP + m * dims, rs = ApScratch + dims
                            let base = Int(Ap[rows.lowerBound])
                            for row in rows {
                                let lo = Int(Ap[row]), hi = Int(Ap[row + 1]), o = lo - base
                                rule.fill(row: row, range: lo ..< hi, inner: Ai.baseAddress!, values: Ax.baseAddress!,
                                          c: c + o, p: p + o, w: w + o, d: d + o, t: t + o)
                            }
                            let block = X + rows.lowerBound * dims
                            // Calls `body(i, row, gramScale, regScale, entries, offset)` for each row of the block.
                            func eachRow(_ body: (Int, Int, Float, Float, Int64, Int) -> als_status_t,
                                         _ name: StaticString) throws {
                                for (i, row) in rows.enumerated() {
                                    let lo = Int(Ap[row]), hi = Int(Ap[row + 1])
                                    let status = body(i, row, rowGramScale?[row] ?? gramScale, rowRegScale?[row] ?? 1,
                                                      Int64(hi - lo), lo)
                                    try _check(status.rawValue, name, side: side, row: row)
                                }
                            }
                            _BLAS.gemmNT(m: rows.count, n: dims, k: dims, alpha: 1, a: block, lda: dims, b: gram, ldb: dims,
                                         beta: 0, c: GP, ldc: dims)
                            try eachRow({ i, _, gs, regs, n, lo in
                                let v = i * dims
                                return als_cg_batch_start(k, gs, reg, regs, n, Ai.baseAddress! + lo, d + (lo - base), t + (lo - base),
                                                          fixed, Int64(dims), GP + v, block + v, R + v, P + v, rs + i)
                            }, "als_cg_batch_start")
                            for _ in 0 ..< steps {
                                if (0 ..< rows.count).allSatisfy({ rs[$0] < 1e-20 }) { break }
                                _BLAS.gemmNT(m: rows.count, n: dims, k: dims, alpha: 1, a: P, lda: dims, b: gram, ldb: dims,
                                             beta: 0, c: GP, ldc: dims)
                                try eachRow({ i, _, gs, regs, n, lo in
                                    let v = i * dims
                                    return als_cg_batch_step(k, gs, reg, regs, n, Ai.baseAddress! + lo, d + (lo - base), fixed,
                                                             Int64(dims), GP + v, P + v, block + v, R + v, rs + i, ApScratch)
                                }, "als_cg_batch_step")
                            }
                        }
                    }
                }
            }
        }
    }
}
