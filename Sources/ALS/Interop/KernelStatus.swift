internal import CALSKernels

/// The one place every C status is checked. Kernels and LAPACK return an integer status; this
/// turns anything but success into the typed error callers expect.
///
/// - `als_status_t` values come from `CALSKernels.h`; LAPACK `info` values are passed as is
///   (positive `info` from a Cholesky factorisation means "not positive definite"); other
///   LAPACK routines go through `_checkLAPACK`.
@inline(__always)
internal func _check(_ status: Int32, _ function: StaticString, side: String = "", row: Int = 0) throws {
    if status == 0 { return }
    switch status {
    case ALS_NOT_POSITIVE_DEFINITE.rawValue:
        throw ALSError.notPositiveDefinite(side: side, row: row)
    case ALS_NON_FINITE.rawValue:
        throw ALSError.nonFiniteSolution(side: side, row: row)
    default:
        throw ALSError.kernelFailure(function: "\(function)", status: status)
    }
}

/// The check for LAPACK's `info` of routines other than a Cholesky factorisation: negative
/// `info` is an illegal argument (a bug here), positive `info` a failure to converge, reported
/// as such rather than as a "not positive definite" that `_check` would read into the number.
@inline(__always)
internal func _checkLAPACK(_ info: Int32, _ function: StaticString) throws {
    if info == 0 { return }
    guard info > 0 else { throw ALSError.kernelFailure(function: "\(function)", status: info) }
    throw ALSError.notConverged(function: "\(function)", reason: "info = \(info): \(info) off-diagonal elements of an intermediate tridiagonal form did not converge to zero")
}
