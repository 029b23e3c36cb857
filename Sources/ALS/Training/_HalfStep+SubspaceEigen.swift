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
    /// whose multiply-adds are counted 3/2 times, as measured: its n² dot products of K run
    /// slower than the assembled path's register-tiled kernels. `bash Benchmarks/rowsolve/run.sh`
    /// (one thread, AVX2; µs per row, assembled against eigen) gave at b = 64 n = 32 9.2 / 6.7
    /// and n = 48 9.3 / 11.6; at b = 128 n = 64 42.9 / 24.5, n = 90 56.7 / 47.2 and n = 120
    /// 67.2 / 81.7; at b = 256 n = 160 450 / 388 and n = 192 523 / 574: the two cross near
    /// n ≈ 0.6–0.75·b, where the plain count put the crossing near 0.95·b; counted 3/2 times
    /// it falls at n = 40, 89 and 187 for b = 64, 128 and 256.
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
