// Kernel benchmarks: the accumulation (rank-n update), the Cholesky factor-and-solve and the CG
// product, at 32–256 factors, next to OpenBLAS sgemm doing the same multiply-adds.
//
// Setup (random factors, indices, weights) happens outside the measured region.
// FLOPs per call, for GFLOP/s in BENCHMARKS.md:
//   accumulate (n entries, k factors): n·k(k+1) (upper triangle, multiply + add) + 2nk (b)
//   sgemm k×n · n×k: 2nk²   (the full square; the accumulation computes half of it)
import Benchmark
import CALSKernels
import COpenBLAS

let entries = 1024          // entries per row: a popular item's column, or a heavy user
let fixedRows = 20_000      // rows of the fixed side to gather from

struct Problem {
    let k: Int32
    var Y: [Float]
    var idx: [Int32]
    var d: [Float]
    var t: [Float]
    var A: [Float]
    var b: [Float]
    var scratch: [Float]
    var gathered: [Float]

    init(k: Int) {
        var rng = SystemRandomNumberGenerator()
        self.k = Int32(k)
        Y = (0 ..< fixedRows * k).map { _ in Float.random(in: -1 ... 1, using: &rng) }
        idx = (0 ..< entries).map { _ in Int32.random(in: 0 ..< Int32(fixedRows), using: &rng) }
        d = (0 ..< entries).map { _ in Float.random(in: 0 ... 2, using: &rng) }
        t = (0 ..< entries).map { _ in Float.random(in: 0 ... 2, using: &rng) }
        A = [Float](repeating: 0, count: k * k)
        for i in 0 ..< k { A[i * k + i] = Float(entries) }
        b = [Float](repeating: 0, count: k)
        scratch = [Float](repeating: 0, count: Int(als_cholesky_scratch_floats(Int32(k))))
        gathered = (0 ..< entries * k).map { _ in Float.random(in: -1 ... 1, using: &rng) }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(2))
    for k in [32, 64, 128, 256] {
        Benchmark("accumulate k=\(k) n=\(entries)") { benchmark, problem in
            var p = problem
            for _ in benchmark.scaledIterations {
                let s = als_accumulate(p.k, Int64(entries), p.idx, p.d, p.t, p.Y, Int64(p.k), &p.A, p.k, &p.b, &p.scratch)
                precondition(s == ALS_OK)
            }
            blackHole(p.A)
        } setup: { Problem(k: k) }

        Benchmark("sgemm k=\(k) n=\(entries) (same multiply-adds ×2)") { benchmark, problem in
            var p = problem
            for _ in benchmark.scaledIterations {
                // A = Gᵀ G for the n×k gathered block: k×n · n×k.
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, p.k, p.k, Int32(entries), 1,
                            p.gathered, p.k, p.gathered, p.k, 1, &p.A, p.k)
            }
            blackHole(p.A)
        } setup: { () -> Problem in openblas_set_num_threads(1); return Problem(k: k) }

        Benchmark("cholesky row k=\(k) n=\(entries)") { benchmark, problem in
            var p = problem
            var x = [Float](repeating: 0, count: k)
            let reg = [Float](repeating: 1, count: k)
            var G = [Float](repeating: 0, count: k * k)
            for i in 0 ..< k { G[i * k + i] = 1 }
            for _ in benchmark.scaledIterations {
                let s = als_solve_cholesky_row(p.k, G, 1, reg, 1, Int64(entries), p.idx, p.d, p.t, p.Y, Int64(p.k), &x, &p.scratch)
                precondition(s == ALS_OK)
            }
            blackHole(x)
        } setup: { Problem(k: k) }

        Benchmark("cg product k=\(k) n=\(entries)") { benchmark, problem in
            let p = problem
            var out = [Float](repeating: 0, count: k)
            let v = [Float](repeating: 0.5, count: k)
            let reg = [Float](repeating: 1, count: k)
            var G = [Float](repeating: 0, count: k * k)
            for i in 0 ..< k { G[i * k + i] = 1 }
            for _ in benchmark.scaledIterations {
                let s = als_cg_product(p.k, G, 1, reg, 1, Int64(entries), p.idx, p.d, p.Y, Int64(p.k), v, &out)
                precondition(s == ALS_OK)
            }
            blackHole(out)
        } setup: { Problem(k: k) }
    }
}
