internal import CALSKernels

/// Exact solves of short rows in the Gram's eigenbasis. A row's system is
///
///     A = gscale·G + ρ·I + Σ_j d_j y_j y_jᵀ,    b = Σ_j t_j y_j,     ρ = regScale·reg,
///
/// and with G = Q Λ Qᵀ (once per half-step) it is a diagonal matrix plus a rank-n update in Q's
/// basis, which the Woodbury identity solves through an n×n Cholesky (`als_subspace_eigen_block_step`
/// with the whole of x as its one block, started from x = 0: its residual is then b, its step
/// A⁻¹b). For a row of n < k entries that is about n²·k/2 + n³/6 multiply-adds instead of the
/// n·k²/2 of assembling A and the k³/6 of factorising it: the exact solver's cost on sparse rows
/// no longer grows with k³ (a Gowalla row of 27 entries at 128 factors: about 5× fewer).
///
/// The basis is `subspaceBases` for one block of all `dims` dimensions, so the conditions and the
/// cost rule are the subspace solver's: a Gram term, λ uniform and positive over the dimensions
/// (no bias column), gscale ≥ 0, d ≥ 0, and rows that save more than the basis costs.
/// One half-step's eigenbasis path for exact solves: the basis, the longest row it may take
/// (the longest row, within the kernel's limit on n) and the per-worker scratch its rows need: a
/// zero Gram part (dims), the prediction cache of a row started at x = 0 and the kernel's own.
internal struct _ExactEigenPath {
    let basis: _SubspaceBasis
    let capacity: Int
    let scratchFloats: Int
}

extension _HalfStep {
    /// The basis for exact solves, built on `threads` workers, or nil when no row takes the
    /// eigenbasis path (`override` false, the conditions above fail, or too few rows would save).
    func exactSolveBasis(override: Bool?, threads: Int) throws -> _SubspaceBasis? {
        guard dims > 1 else { return nil }
        return try subspaceBases(range: 0 ..< dims, block: dims, sweeps: 1, override: override, threads: threads).first ?? nil
    }

    /// The eigenbasis path of this half-step, or nil when it has no basis (`exactSolveBasis`).
    func exactEigenPath(override: Bool?, threads: Int) throws -> _ExactEigenPath? {
        guard let basis = try exactSolveBasis(override: override, threads: threads) else { return nil }
        let capacity = max(1, min(maxRow, Int(ALS_MAX_FACTORS)))
        let kernel = Int(als_subspace_eigen_scratch_floats(Int32(dims), Int64(capacity)))
        return _ExactEigenPath(basis: basis, capacity: capacity, scratchFloats: dims + capacity + kernel)
    }

    /// Solves one row into `x` on `path` when `takesEigenStep` says so (`override` true: whenever
    /// it applies) and returns true; returns false, `x` untouched, otherwise. `scratch` holds
    /// `path.scratchFloats` floats.
    func solveExactInEigenbasis(_ path: _ExactEigenPath, row: Int, n: Int, idx: UnsafePointer<Int32>,
                                d: UnsafePointer<Float>, t: UnsafePointer<Float>, gscale: Float, regScale: Float,
                                x: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                                override: Bool?) throws -> Bool {
        let rho = regScale * reg[0]
        guard Self.takesEigenStep(n: n, b: dims, gscale: gscale, rho: rho, d: d, override: override) else { return false }
        let zeroGram = scratch, cache = scratch + dims, step = cache + path.capacity
        zeroGram.update(repeating: 0, count: dims)
        cache.update(repeating: 0, count: n)
        x.update(repeating: 0, count: dims)
        let basis = path.basis
        let status = basis.lambda.withUnsafeBufferPointer { lambda in
            basis.vectors.withUnsafeBufferPointer { E in
                basis.z.withUnsafeBufferPointer { Z in
                    als_subspace_eigen_block_step(Int32(dims), gscale, rho, lambda._start, E._start, Int64(n), idx, d, t,
                                                  Z._start, 0, Int32(dims), zeroGram, x, cache, step)
                }
            }
        }
        try _check(status.rawValue, "als_subspace_eigen_block_step", side: side, row: row)
        return true
    }
}
