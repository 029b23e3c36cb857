internal import CALSKernels

/// Exact solves at large k through LAPACK: each row's system is assembled by `als_assemble_row`
/// (the same kernel as the row-by-row Cholesky) and factorised by OpenBLAS's blocked `spotrf`,
/// whose trailing updates run as `ssyrk`/`sgemm` tiles, where the in-house factorisation is a
/// left-looking vector loop. The pivot rule stays the kernel's (`als_cholesky_solve`): a
/// pivot below 16·ε times its original diagonal entry is "not positive definite", so the two
/// paths fail on the same systems.
extension _HalfStep {
    /// Dimensions from which exact solves go through LAPACK (see BENCHMARKS.md, "Large-k Cholesky").
    static let lapackCholeskyMinimumDims = 256

    /// Whether exact solves go through LAPACK: `override` when given (tests), else from
    /// `lapackCholeskyMinimumDims`.
    func usesLAPACKCholesky(override: Bool?) -> Bool { override ?? (dims >= Self.lapackCholeskyMinimumDims) }

    /// Solves every row into `X` exactly; rows short enough take the eigenbasis path
    /// (`solveExactInEigenbasis`, `eigen` overriding its choice).
    func solveCholeskyLAPACK(into X: UnsafeMutablePointer<Float>, threads: Int, eigen: Bool? = nil) throws {
        let k = Int32(dims)
        let path = try exactEigenPath(override: eigen, threads: threads)
        // The system, the original diagonal, the assembly's gather block (or the eigenbasis path's).
        let kernelFloats = max(dims * dims + dims + Int(als_accumulate_scratch_floats(k)), path?.scratchFloats ?? 0)
        try withScratch(threads: threads, kernelFloats: kernelFloats) { scratch in
            try _SingleThreadedBLAS.shared.run {
                try matrix.outerOffsets.withUnsafeBufferPointer { Ap in
                    try matrix.innerIndices.withUnsafeBufferPointer { Ai in
                        try matrix.values.withUnsafeBufferPointer { Ax in
                            try _parallelFor(count: matrix.outerCount, threads: threads, chunk: 64) { rows, worker in
                                let s = scratch[worker]
                                let A = s.kernel, diagonal = A + dims * dims, gather = diagonal + dims
                                for row in rows {
                                    let lo = Int(Ap[row]), hi = Int(Ap[row + 1])
                                    rule.fill(row: row, range: lo ..< hi, inner: Ai._start, values: Ax._start,
                                              c: s.c, p: s.p, w: s.w, d: s.d, t: s.t)
                                    let x = X + row * dims
                                    if let path, try solveExactInEigenbasis(
                                        path, row: row, n: hi - lo, idx: Ai._start + lo, d: s.d, t: s.t,
                                        gscale: rowGramScale?[row] ?? gramScale, regScale: rowRegScale?[row] ?? 1,
                                        x: x, scratch: s.kernel, override: eigen) {
                                        continue
                                    }
                                    let assembled = als_assemble_row(k, gram, rowGramScale?[row] ?? gramScale, reg, rowRegScale?[row] ?? 1,
                                                                     Int64(hi - lo), Ai._start + lo, s.d, s.t, fixed,
                                                                     Int64(dims), A, k, x, gather)
                                    try _check(assembled.rawValue, "als_assemble_row", side: side, row: row)
                                    for i in 0 ..< dims { diagonal[i] = A[i * dims + i] }
                                    let info = _BLAS.choleskySolve(n: dims, a: A, lda: dims, b: x)
                                    try _check(Self.status(n: dims, info: info, factor: A, diagonal: diagonal, solution: x),
                                               "spotrf_/spotrs_", side: side, row: row)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The kernels' status for a LAPACK solve of order `n`: `info` > 0, or a pivot U_ii² below
    /// 16·ε·A_ii (cancellation ate it: singular to working precision), is not positive definite,
    /// as `als_cholesky_solve` decides; a non-finite x is non-finite; `info` < 0 passes through.
    private static func status(n: Int, info: Int32, factor U: UnsafePointer<Float>, diagonal: UnsafePointer<Float>,
                               solution x: UnsafePointer<Float>) -> Int32 {
        if info > 0 { return ALS_NOT_POSITIVE_DEFINITE.rawValue }
        if info < 0 { return info }
        let eps16: Float = 16 * 1.1920929e-7
        for i in 0 ..< n {
            let u = U[i * n + i]
            if !(u * u > eps16 * diagonal[i]) { return ALS_NOT_POSITIVE_DEFINITE.rawValue }
        }
        for i in 0 ..< n where !x[i].isFinite { return ALS_NON_FINITE.rawValue }
        return ALS_OK.rawValue
    }
}
