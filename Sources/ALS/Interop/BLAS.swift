internal import COpenBLAS

/// One-line wrappers over the OpenBLAS and LAPACK routines SwiftALS uses. Only this file and
/// `SuiteSparse.swift` name the C libraries; the rest of the library calls these.
@_spi(Engine) public enum _BLAS {
    /// The kernel OpenBLAS picked for this CPU (for example "Haswell" or "SkylakeX"), as reported
    /// in benchmarks next to every peer comparison.
    static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// Sets OpenBLAS's own thread count (used for the Gram and GEMM work outside our parallel
    /// regions).
    static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// C = alpha · Aᵀ A + beta · C, upper triangle of the k×k row-major C, where A is n×k
    /// row-major (`ssyrk`). Used for the Gram YᵀY.
    static func gramUpper(n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, alpha: Float, beta: Float,
                          c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(k), Int32(n), alpha, a, Int32(lda),
                    beta, c, Int32(ldc))
    }

    /// C = alpha · A · Bᵀ + beta · C with A m×k and B n×k, both row-major (`sgemm`).
    static func gemmNT(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C = alpha · Aᵀ · B + beta · C with A n×m and B n×p, both row-major (`sgemm`).
    static func gemmTN(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Solves A x = b in place (`b` becomes x) by Cholesky, LAPACK `spotrf` then `spotrs`, for a
    /// symmetric positive definite n×n A given by its upper triangle in row-major order (which is
    /// the lower triangle in LAPACK's column-major order). On return the upper triangle holds U
    /// of A = UᵀU. Returns LAPACK's `info`: 0 on success, > 0 when the leading minor of that order
    /// is not positive definite, < 0 for an illegal argument.
    static func choleskySolve(n: Int, a: UnsafeMutablePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>) -> Int32 {
        var uplo = Int8(UInt8(ascii: "L")), nn = Int32(n), ld = Int32(lda), one: Int32 = 1, ldb = Int32(n), info: Int32 = 0
        spotrf_(&uplo, &nn, a, &ld, &info)
        if info != 0 { return info }
        spotrs_(&uplo, &nn, &one, a, &ld, b, &ldb, &info)
        return info
    }

    /// Eigen-decomposition of a symmetric n×n matrix (column-major = row-major for symmetric
    /// input) with LAPACK `dsyevd`: on return `a` holds the eigenvectors (as columns in
    /// column-major order) and `w` the eigenvalues in ascending order.
    public static func symmetricEigen(n: Int, a: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>) throws {
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var nn = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = 0.0
        var iwq: Int32 = 0
        dsyevd_(&jobz, &uplo, &nn, a, &lda, w, &wq, &lwork, &iwq, &liwork, &info)
        try _checkLAPACK(info, "dsyevd_ (workspace query)")
        lwork = Int32(wq)
        liwork = iwq
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &nn, a, &lda, w, &work, &lwork, &iwork, &liwork, &info)
        try _checkLAPACK(info, "dsyevd_")
    }
}
