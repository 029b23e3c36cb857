import CALSKernels
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// `als_cholesky_solve` against a Double solve of the same system (`_ReferenceSolver.solve`),
/// for each of its factorisations: the right-looking loop (k not a multiple of 16) and, for k a
/// multiple of 16, the strips of 6, 4, 2 and 1 rows where AVX2 is the widest vector
/// (16 = 6 + 6 + 4, 32 = 5·6 + 2, 128 = 21·6 + 2, 160 = 26·6 + 4) or the row-at-a-time
/// left-looking loop elsewhere (with AVX-512, or without AVX2).
@Suite("Kernel: als_cholesky_solve against a Double solve")
struct KernelCholeskyTests {
    /// A = MᵀM/k + 0.5·I (symmetric positive definite, condition number in the tens), b random.
    private func system(k: Int, seed: UInt64) -> (a: [Double], b: [Double]) {
        var rng = TestRNG(seed: seed)
        let m = (0 ..< k * k).map { _ in Double.random(in: -1 ... 1, using: &rng) }
        var a = [Double](repeating: 0, count: k * k)
        for i in 0 ..< k {
            for c in 0 ..< k {
                var s = 0.0
                for r in 0 ..< k { s += m[r * k + i] * m[r * k + c] }
                a[i * k + c] = s / Double(k) + (i == c ? 0.5 : 0)
            }
        }
        return (a, (0 ..< k).map { _ in Double.random(in: -1 ... 1, using: &rng) })
    }

    @Test("x = A⁻¹b to float tolerance; the strictly lower triangle is never read into x",
          arguments: [1, 5, 16, 17, 32, 48, 64, 100, 112, 128, 160])
    func matchesDoubleSolve(k: Int) throws {
        let (a, b) = system(k: k, seed: UInt64(100 + k))
        let lda = k + 3
        // The upper triangle in a padded row-major matrix, NaN below the diagonal and in the padding.
        var A = [Float](repeating: .nan, count: k * lda)
        for i in 0 ..< k { for c in i ..< k { A[i * lda + c] = Float(a[i * k + c]) } }
        var x = b.map { Float($0) }
        #expect(als_cholesky_solve(Int32(k), &A, Int32(lda), &x) == ALS_OK)
        let want = try _ReferenceSolver.solve((0 ..< k).map { Array(a[$0 * k ..< ($0 + 1) * k]) }, b, row: 0, side: "test")
        #expect(maxRelativeError([x.map(Double.init)], [want]) < 1e-4, "k \(k)")
    }

    @Test("an indefinite or singular matrix is ALS_NOT_POSITIVE_DEFINITE", arguments: [5, 32, 128])
    func rejectsIndefinite(k: Int) {
        // A negative pivot in the third strip (row 13, or row 3 of k = 5).
        var A = [Float](repeating: 0, count: k * k)
        for i in 0 ..< k { A[i * k + i] = 1 }
        A[min(13, k - 2) * k + min(13, k - 2)] = -1
        var x = [Float](repeating: 1, count: k)
        #expect(als_cholesky_solve(Int32(k), &A, Int32(k), &x) == ALS_NOT_POSITIVE_DEFINITE)
        // Rank one, vvᵀ: every pivot after the first cancels to rounding noise.
        let v = (0 ..< k).map { Float($0 % 7) + 1 }
        var B = [Float](repeating: 0, count: k * k)
        for i in 0 ..< k { for c in i ..< k { B[i * k + c] = v[i] * v[c] } }
        x = [Float](repeating: 1, count: k)
        #expect(als_cholesky_solve(Int32(k), &B, Int32(k), &x) == ALS_NOT_POSITIVE_DEFINITE)
    }
}
