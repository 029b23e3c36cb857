internal import COpenBLAS

/// The BLAS routines the serving paths (recommend, similar, batch) use, one line each, beside
/// the training wrappers in `BLAS.swift`.
extension _BLAS {
    /// OpenBLAS's current thread count, so a parallel region can restore it afterwards.
    static var threads: Int { Int(openblas_get_num_threads()) }

    /// y = A · x with A n×k row-major (`sgemv`): one query row scored against every row of A.
    static func gemv(n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
                     y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), 1, a, Int32(lda), x, 1, 0, y, 1)
    }
}
