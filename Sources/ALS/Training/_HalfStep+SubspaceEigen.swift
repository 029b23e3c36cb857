internal import CALSKernels

/// The eigenbasis of one dimension block B's Gram block, shared by every row of a half-step:
///
///     G_BB = Eᵀ diag(λ) E,     Z = Y_B Eᵀ   (the fixed side's block in that basis),
///
/// with which a row shorter than the block solves its block step through the Woodbury identity
/// (`als_subspace_eigen_block_step`, whose header has the math) in about n²·b/2 multiply-adds
/// instead of the n·b²/2 + b³/6 of assembling and factorising A_BB. Building it costs one b×b
/// eigendecomposition and one fixedRows × b × b `sgemm`, once per block and half-step.
internal struct _SubspaceBasis {
    /// G_BB's eigenvalues (b).
    var lambda: [Float]
    /// G_BB's orthonormal eigenvectors as rows (b × b, row-major).
    var vectors: [Float]
    /// Y_B Eᵀ (fixed rows × b, row-major).
    var z: [Float]
}

extension _HalfStep {
    /// The cost of one block step of b dimensions for a row of n entries, in multiply-adds of the
    /// assembled path: the system assembled and factorised (`als_subspace_block_step`,
    /// `als_solve_cholesky_row`) against the eigenbasis step (`als_subspace_eigen_block_step`),
    /// whose multiply-adds are counted 3/2 times, as measured. Its n² dot products of K run
    /// slower than the assembled path's register-tiled kernels: one row took, in µs (one thread,
    /// AVX2, eigen against assembled), at b = 64 n = 32 6.4 / 8.6, n = 48 11.9 / 9.7; at b = 128
    /// n = 64 29.5 / 46.0, n = 90 56.2 / 61.3, n = 100 87.4 / 56.8; at b = 256 n = 128 205 / 270,
    /// n = 192 439 / 360. Counted once, the eigen step was chosen up to n ≈ 0.95·b where it
    /// costs less only up to n ≈ 0.65–0.7·b; with the factor the two cross there.
    static func subspaceStepCosts(n: Int, b: Int) -> (assembled: Int, eigen: Int) {
        (n * b * b / 2 + b * b * b / 6, 3 * (n * n * b / 2 + n * n * n / 6 + 5 * n * b + 2 * b * b) / 2)
    }

    /// Whether a row of n entries takes the eigenbasis step for a block of b dimensions that has
    /// a basis: when it costs less (`override` nil) or always (`override` true), and the kernel's
    /// conditions hold: gscale ≥ 0, ρ = regScale·reg > 0, every d ≥ 0.
    static func takesEigenStep(n: Int, b: Int, gscale: Float, rho: Float, d: UnsafePointer<Float>,
                               override: Bool?) -> Bool {
        guard n <= Int(ALS_MAX_FACTORS), gscale >= 0, rho > 0 else { return false }
        if override != true {
            let cost = subspaceStepCosts(n: n, b: b)
            guard cost.eigen < cost.assembled else { return false }
        }
        for j in 0 ..< n where !(d[j] >= 0) { return false }
        return true
    }

    /// The bases of the blocks of `range` (in blocks of `block`), nil for a block that solves
    /// every row by `als_subspace_block_step`: without a Gram term, with λ not uniform and
    /// positive over the block (a bias dimension), with `override` false, or (`override` nil)
    /// when the rows that would take the step save less than building the basis costs. Built on
    /// `threads` workers, with the same result whatever their number.
    func subspaceBases(range: Range<Int>, block: Int, sweeps: Int, override: Bool?, threads: Int) throws -> [_SubspaceBasis?] {
        let hasGram = gramScale != 0 || rowGramScale != nil
        let fixedRows = matrix.innerCount
        var bases: [_SubspaceBasis?] = []
        for b0 in stride(from: range.lowerBound, to: range.upperBound, by: block) {
            let b = min(block, range.upperBound - b0)
            guard hasGram, override != false, b > 1, reg[b0] > 0, (b0 ..< b0 + b).allSatisfy({ reg[$0] == reg[b0] }) else {
                bases.append(nil)
                continue
            }
            if override == nil {
                var saved = 0
                for row in 0 ..< matrix.outerCount {
                    let cost = Self.subspaceStepCosts(n: matrix.count(of: row), b: b)
                    saved += max(0, cost.assembled - cost.eigen)
                }
                guard saved * sweeps > fixedRows * b * b + 10 * b * b * b else {
                    bases.append(nil)
                    continue
                }
            }
            bases.append(try basis(b0: b0, b: b, threads: threads))
        }
        return bases
    }

    /// Fixed rows per `sgemm` of Z = Y_B Eᵀ.
    static let basisChunkRows = 256

    /// G_BB's eigendecomposition (in Double) and Z = Y_B Eᵀ, on `threads` workers.
    private func basis(b0: Int, b: Int, threads: Int) throws -> _SubspaceBasis {
        var a = [Double](repeating: 0, count: b * b), w = [Double](repeating: 0, count: b)
        for i in 0 ..< b { for c in 0 ..< b { a[i * b + c] = Double(gram[(b0 + i) * dims + b0 + c]) } }
        // On one OpenBLAS thread: LAPACK's result depends on the thread count in the last bits,
        // and a process under `mpirun` (bound to one core) gets one thread where `als train`
        // gets every core, so the factors of `als-mpi` would no longer be `als train`'s.
        try _SingleThreadedBLAS.shared.run {
            try a.withUnsafeMutableBufferPointer { a in
                try w.withUnsafeMutableBufferPointer { w in try _BLAS.symmetricEigen(n: b, a: a._start, w: w._start) }
            }
        }
        // LAPACK returns the eigenvectors as the columns of a column-major matrix: row-major, rows.
        let vectors = a.map { Float($0) }
        var z = [Float](repeating: 0, count: max(1, matrix.innerCount * b))
        if matrix.innerCount > 0 {
            // In chunks of `basisChunkRows` fixed rows from row 0, each one single-threaded sgemm,
            // the chunks spread over the workers: a row's z then depends on its chunk only, not on
            // the number of threads OpenBLAS would use for one large call, which differs in the
            // last bits between `als train` and a process under `mpirun` (bound to one core).
            let rows = matrix.innerCount, chunk = Self.basisChunkRows
            _SingleThreadedBLAS.shared.run {
                vectors.withUnsafeBufferPointer { E in
                    z.withUnsafeMutableBufferPointer { Z in
                        let E = E._start, Z = Z._start
                        _parallelFor(count: (rows + chunk - 1) / chunk, threads: threads, chunk: 1) { chunks, _ in
                            for c in chunks {
                                let r0 = c * chunk
                                _BLAS.gemmNT(m: min(chunk, rows - r0), n: b, k: b, alpha: 1, a: fixed + r0 * dims + b0, lda: dims,
                                             b: E, ldb: b, beta: 0, c: Z + r0 * b, ldc: b)
                            }
                        }
                    }
                }
            }
        }
        return _SubspaceBasis(lambda: w.map { Float($0) }, vectors: vectors, z: z)
    }
}
