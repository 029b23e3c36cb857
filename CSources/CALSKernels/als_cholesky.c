// als_cholesky_solve: A = UᵀU on the upper triangle (row-major), then Uᵀz = b, U x = z.
//
// Right-looking: for each pivot i, U[i][i] = √A[i][i], U[i][i+1:] = A[i][i+1:] / U[i][i], and the
// trailing upper triangle is updated A[p][p:] −= U[i][p] · U[i][p:] (contiguous, vectorised).
// About k³/3 multiply-adds. Float32 throughout: the systems are λ-regularised Gram matrices
// whose condition numbers stay far from 1/ε for the λ ranges users train with; the loss, where
// millions of terms are summed, is accumulated in Double instead (als_row_loss).
#include <math.h>
#include "als_simd.h"

ALS_DISPATCH
als_status_t als_cholesky_solve(int32_t k, float *A, int32_t lda, float *x) {
    if (k < 1 || k > ALS_MAX_FACTORS || lda < k) return ALS_INVALID_ARGUMENT;
    // A pivot is rejected when it is ≤ 0, not finite, or lost in rounding: smaller than
    // 16·ε·(its original diagonal entry), the size of the cancellation error of the updates that
    // produced it. Such a system is singular to working precision (λ = 0 on a rank-deficient
    // row, say), and a solve would return noise instead of an error. The original diagonal of
    // row i is kept in A[i][0], which is in the unused strictly lower triangle for i ≥ 1.
    for (int32_t i = 1; i < k; i++) A[(int64_t)i * lda] = A[(int64_t)i * lda + i];
    for (int32_t i = 0; i < k; i++) {
        float *ri = A + (int64_t)i * lda;
        float piv = ri[i];
        float orig = i == 0 ? piv : ri[0];
        if (!(piv > 16.0f * 1.1920929e-7f * orig) || !isfinite(piv)) return ALS_NOT_POSITIVE_DEFINITE;
        float u = sqrtf(piv);
        ri[i] = u;
        float inv = 1.0f / u;
        for (int32_t c = i + 1; c < k; c++) ri[c] *= inv;
        for (int32_t p = i + 1; p < k; p++) {
            float f = ri[p];
            if (f != 0) als_axpy(k - p, -f, ri + p, A + (int64_t)p * lda + p);
        }
    }
    // Forward: Uᵀ z = b (column access of U = row access of Uᵀ), done as axpys on rows of U.
    for (int32_t i = 0; i < k; i++) {
        const float *ri = A + (int64_t)i * lda;
        x[i] /= ri[i];
        if (i + 1 < k) als_axpy(k - i - 1, -x[i], ri + i + 1, x + i + 1);
    }
    // Backward: U x = z.
    for (int32_t i = k - 1; i >= 0; i--) {
        const float *ri = A + (int64_t)i * lda;
        float s = x[i];
        if (i + 1 < k) s -= als_dot(k - i - 1, ri + i + 1, x + i + 1);
        x[i] = s / ri[i];
        if (!isfinite(x[i])) return ALS_NON_FINITE;
    }
    return ALS_OK;
}

int64_t als_cholesky_scratch_floats(int32_t k) {
    return (int64_t)k * k + als_accumulate_scratch_floats(k);
}

// A = gscale·G + diag(regScale·reg) (upper triangle), then the rank-n update, then the solve.
als_status_t als_solve_cholesky_row(int32_t k, const float *G, float gscale, const float *reg,
                                    float regScale, int64_t n, const int32_t *idx, const float *d,
                                    const float *t, const float *Y, int64_t ldy, float *x,
                                    float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    float *A = scratch;
    float *gather = scratch + (int64_t)k * k;
    for (int32_t i = 0; i < k; i++) {
        const float *gi = G + (int64_t)i * k;
        float *ai = A + (int64_t)i * k;
        for (int32_t c = i; c < k; c++) ai[c] = gscale * gi[c];
        ai[i] += regScale * reg[i];
        x[i] = 0;
    }
    als_status_t s = als_accumulate(k, n, idx, d, t, Y, ldy, A, k, x, gather);
    if (s != ALS_OK) return s;
    return als_cholesky_solve(k, A, k, x);
}
