extension _ReferenceSolver {
    /// The iALS++ subspace half-step in plain Double, on each row's densely formed system (see
    /// `system(row:solveUsers:fixed:)`): `sweeps` passes over the dimensions in blocks of `block`
    /// (the last one shorter when `block` does not divide the dimensions), each block B solving
    /// A_BB δ = (b − A x)_B by Gaussian elimination and setting x_B += δ. It uses no prediction
    /// cache and no Gram slice: the residual is recomputed from A and x, so a test comparing it
    /// with the kernel checks the kernel's bookkeeping, not just its arithmetic.
    ///
    /// - Parameters:
    ///   - current: the rows being solved, as the warm start (rows × dims).
    ///   - block: dimensions per block, ≥ 1 (more than the dimensions means one block).
    ///   - sweeps: passes over all blocks, ≥ 0.
    ///   - dimensions: only the blocks of this range (the interleaved schedule passes one
    ///     block); nil means every dimension.
    public func subspaceHalfStep(solveUsers: Bool, fixed: [[Double]], current: [[Double]], block: Int,
                                 sweeps: Int, dimensions: Range<Int>? = nil) throws -> [[Double]] {
        let rows = solveUsers ? users : items
        let n = dims, size = max(1, min(block, dims)), range = dimensions ?? 0 ..< dims
        return try (0 ..< rows).map { r in
            let (A, b) = system(row: r, solveUsers: solveUsers, fixed: fixed)
            var x = current[r]
            for _ in 0 ..< sweeps {
                for b0 in stride(from: range.lowerBound, to: range.upperBound, by: size) {
                    let B = Array(b0 ..< min(range.upperBound, b0 + size))
                    let AB = B.map { i in B.map { A[i][$0] } }
                    let residual = B.map { i in b[i] - (0 ..< n).reduce(0.0) { $0 + A[i][$1] * x[$1] } }
                    let delta = try Self.solve(AB, residual, row: r, side: solveUsers ? "user" : "item")
                    for (e, i) in B.enumerated() { x[i] += delta[e] }
                }
            }
            return x
        }
    }
}
