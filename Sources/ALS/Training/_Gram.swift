/// The Gram matrix of a half-step, G = Σ_i w_i f_i f_iᵀ over every row f_i of the fixed side,
/// computed once per half-step with OpenBLAS `ssyrk` (never per row) and mirrored to both
/// triangles (the CG product and the loss read full rows).
///
/// Float32 through OpenBLAS: its blocked summation keeps the relative error near 1e-6·√n for the
/// n ≤ 10⁶ rows we sum, well inside what a λ-regularised solve needs.
internal func _gram(rows: Int, dims: Int, fixed: UnsafePointer<Float>, weights: UnsafePointer<Float>?) -> [Float] {
    var G = [Float](repeating: 0, count: dims * dims)
    if rows == 0 { return G }
    G.withUnsafeMutableBufferPointer { G in
        if let w = weights {
            // Σ w_i f f ᵀ = (√w ∘ F)ᵀ (√w ∘ F); weights are ≥ 0 by construction.
            let scaled = UnsafeMutablePointer<Float>.allocate(capacity: rows * dims)
            defer { scaled.deallocate() }
            for i in 0 ..< rows {
                let s = w[i] > 0 ? w[i].squareRoot() : 0
                for d in 0 ..< dims { scaled[i * dims + d] = s * fixed[i * dims + d] }
            }
            _BLAS.gramUpper(n: rows, k: dims, a: scaled, lda: dims, alpha: 1, beta: 0, c: G._start, ldc: dims)
        } else {
            _BLAS.gramUpper(n: rows, k: dims, a: fixed, lda: dims, alpha: 1, beta: 0, c: G._start, ldc: dims)
        }
        for i in 0 ..< dims { for j in 0 ..< i { G[i * dims + j] = G[j * dims + i] } }
    }
    return G
}

/// Rows `block` of the Gram, G_B,: = Σ_i w_i f_i,B f_iᵀ = F_Bᵀ (w ∘ F), one `sgemm` of b × rows
/// by rows × dims (b/dims of the full Gram's cost); the other rows are zero. The subspace
/// solver's interleaved schedule needs no more: a block step of block B reads only G_B,:.
///
/// - Precondition: `block` lies within `0 ..< dims`.
internal func _gramRows(_ block: Range<Int>, rows: Int, dims: Int, fixed: UnsafePointer<Float>,
                        weights: UnsafePointer<Float>?) -> [Float] {
    var G = [Float](repeating: 0, count: dims * dims)
    if rows == 0 || block.isEmpty { return G }
    G.withUnsafeMutableBufferPointer { G in
        func product(_ right: UnsafePointer<Float>) {
            _BLAS.gemmTN(m: block.count, n: dims, k: rows, alpha: 1, a: fixed + block.lowerBound, lda: dims,
                         b: right, ldb: dims, beta: 0, c: G._start + block.lowerBound * dims, ldc: dims)
        }
        if let w = weights {
            let scaled = UnsafeMutablePointer<Float>.allocate(capacity: rows * dims)
            defer { scaled.deallocate() }
            for i in 0 ..< rows { for d in 0 ..< dims { scaled[i * dims + d] = w[i] * fixed[i * dims + d] } }
            product(scaled)
        } else {
            product(fixed)
        }
    }
    return G
}
