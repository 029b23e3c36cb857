import CALSKernels
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// `als_accumulate` against a plain Double loop over the same entries, for every code path of
/// the kernel: narrow rows (k < 32: one or two 16-float accumulators per row of A), 4 × 32 tiles
/// with scalar column and row tails, entry counts below, at and above one gather block.
@Suite("Kernel: als_accumulate against a plain loop")
struct KernelAccumulateTests {
    @Test("A += Σ d·y yᵀ (upper triangle) and b += Σ t·y match a Double loop",
          arguments: [1, 2, 3, 5, 8, 10, 15, 16, 17, 24, 31, 32, 33, 40, 48, 64, 66, 100, 130])
    func matchesPlainLoop(k: Int) throws {
        var rng = TestRNG(seed: UInt64(k))
        let rowsOfY = 50, ldy = k + 3  // a padded leading dimension, as a strided view would have
        let Y = (0 ..< rowsOfY * ldy).map { _ in Float.random(in: -1 ... 1, using: &rng) }
        for n in [0, 1, 7, Int(ALS_ACCUMULATE_BLOCK), Int(ALS_ACCUMULATE_BLOCK) + 5, 300] {
            let idx = (0 ..< n).map { _ in Int32.random(in: 0 ..< Int32(rowsOfY), using: &rng) }
            let d = (0 ..< n).map { _ in Float.random(in: 0 ... 2, using: &rng) }
            let t = (0 ..< n).map { _ in Float.random(in: -2 ... 2, using: &rng) }
            let lda = k + 1
            let A0 = (0 ..< k * lda).map { _ in Float.random(in: -1 ... 1, using: &rng) }
            let b0 = (0 ..< k).map { _ in Float.random(in: -1 ... 1, using: &rng) }
            var A = A0, b = b0
            // Scratch filled with NaN: nothing the kernel reads from it may leak into A.
            var scratch = [Float](repeating: .nan, count: Int(als_accumulate_scratch_floats(Int32(k))))
            let status = als_accumulate(Int32(k), Int64(n), idx, d, t, Y, Int64(ldy), &A, Int32(lda), &b, &scratch)
            #expect(status == ALS_OK)
            for i in 0 ..< k {
                for c in i ..< k {
                    var want = Double(A0[i * lda + c])
                    for j in 0 ..< n {
                        let y = Int(idx[j]) * ldy
                        let yi = Double(Y[y + i]), yc = Double(Y[y + c])
                        want += Double(d[j]) * yi * yc
                    }
                    let got = Double(A[i * lda + c])
                    let tolerance: Double = 1e-4 * max(1, abs(want))
                    #expect(abs(got - want) <= tolerance, "k \(k) n \(n) A[\(i)][\(c)]")
                }
                var wantB = Double(b0[i])
                for j in 0 ..< n { wantB += Double(t[j]) * Double(Y[Int(idx[j]) * ldy + i]) }
                let gotB = Double(b[i])
                let toleranceB: Double = 1e-4 * max(1, abs(wantB))
                #expect(abs(gotB - wantB) <= toleranceB, "k \(k) n \(n) b[\(i)]")
            }
            // Padding columns of A (c ≥ k) are never written.
            for i in 0 ..< k { #expect(A[i * lda + k] == A0[i * lda + k]) }
        }
    }
}
