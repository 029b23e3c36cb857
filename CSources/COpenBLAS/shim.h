#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
// Shim for OpenBLAS: CBLAS from <cblas.h> (found through openblas.pc's include path) plus the
// few LAPACK routines OpenBLAS bundles, declared here because Debian's OpenBLAS headers do not
// declare the Fortran symbols. This block can go once we depend on LAPACKE instead.
#include <cblas.h>

// LAPACK (Fortran ABI: every argument by pointer). Present in libopenblas.so on Debian 12.
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda,
             float *b, const int *ldb, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);

#endif
