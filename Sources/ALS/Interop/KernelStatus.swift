internal import CALSKernels

/// The one place every C status is checked. Kernels and LAPACK return an integer status; this
/// turns anything but success into the typed error callers expect.
///
/// - `als_status_t` values come from `CALSKernels.h`; LAPACK `info` values are passed as is
///   (positive `info` from a Cholesky factorisation means "not positive definite").
@inline(__always)
internal func _check(_ status: Int32, _ function: StaticString, side: String = "", row: Int = 0) throws {
    if status == 0 { return }
    switch status {
    case ALS_NOT_POSITIVE_DEFINITE.rawValue:
        throw ALSError.notPositiveDefinite(side: side, row: row)
    case ALS_NON_FINITE.rawValue:
        throw ALSError.nonFinite(side: side, iteration: row)
    default:
        throw ALSError.kernelFailure(function: "\(function)", status: status)
    }
}
