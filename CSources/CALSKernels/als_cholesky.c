// als_cholesky_solve: A = UᵀU on the upper triangle (row-major), then Uᵀz = b, U x = z.
//
// For k not a multiple of 16, right-looking: for each pivot i, U[i][i] = √A[i][i], U[i][i+1:] = A[i][i+1:] / U[i][i], and the
// trailing upper triangle is updated A[p][p:] −= U[i][p] · U[i][p:] (contiguous, vectorised).
// About k³/3 multiply-adds. Float32 throughout: the systems are λ-regularised Gram matrices
// whose condition numbers stay far from 1/ε for the λ ranges users train with; the loss, where
// millions of terms are summed, is accumulated in Double instead (als_row_loss).
#include <math.h>
#include "als_simd.h"

// Left-looking factorisation for k a multiple of 16: row i of U is A[i][i:] − Σ_{p<i} U[p][i]·U[p][i:],
// divided by its pivot. Each 64-column chunk of row i stays in four vector registers while the
// previous rows stream past (loads only), where the right-looking update loads and stores the
// trailing matrix for every pivot. Chunks start at the 16-column boundary at or below i; the
// extra lanes fall in the unused lower triangle (read and written, never used), except that
// A[i][0] holds row i's original diagonal, which is read before row i is stored.
ALS_INLINE int factor_left_looking(int32_t k, float *A, int32_t lda) {
    const float eps16 = 16.0f * 1.1920929e-7f;
    for (int32_t i = 0; i < k; i++) {
        float *ri = A + (int64_t)i * lda;
        const float orig = ri[0]; // row i's original diagonal (A[0][0] itself for i = 0)
        const int32_t c0 = i - i % 16;
        float pivot = 0;
        for (int32_t c = c0; c < k; c += 64) {
            const int32_t width = k - c >= 64 ? 64 : k - c; // 16, 32, 48 or 64
            als_v16 a0 = als_load16(ri + c);
            als_v16 a1 = width > 16 ? als_load16(ri + c + 16) : a0;
            als_v16 a2 = width > 32 ? als_load16(ri + c + 32) : a0;
            als_v16 a3 = width > 48 ? als_load16(ri + c + 48) : a0;
            for (int32_t p = 0; p < i; p++) {
                const float *rp = A + (int64_t)p * lda;
                als_v16 f = als_splat16(rp[i]);
                a0 -= f * als_load16(rp + c);
                if (width > 16) a1 -= f * als_load16(rp + c + 16);
                if (width > 32) a2 -= f * als_load16(rp + c + 32);
                if (width > 48) a3 -= f * als_load16(rp + c + 48);
            }
            if (c == c0) {
                pivot = a0[i - c0];
                if (!(pivot > eps16 * orig) || !isfinite(pivot)) return 0;
            }
            float inv = 1.0f / sqrtf(pivot);
            a0 *= inv; a1 *= inv; a2 *= inv; a3 *= inv;
            als_store16(ri + c, a0);
            if (width > 16) als_store16(ri + c + 16, a1);
            if (width > 32) als_store16(ri + c + 32, a2);
            if (width > 48) als_store16(ri + c + 48, a3);
        }
        // U[i][i] = √pivot (the loop scaled it to pivot/√pivot, the same value).
    }
    return 1;
}

ALS_DISPATCH
als_status_t als_cholesky_solve(int32_t k, float *A, int32_t lda, float *x) {
    if (k < 1 || k > ALS_MAX_FACTORS || lda < k) return ALS_INVALID_ARGUMENT;
    // A pivot is rejected when it is ≤ 0, not finite, or lost in rounding: smaller than
    // 16·ε·(its original diagonal entry), the size of the cancellation error of the updates that
    // produced it. Such a system is singular to working precision (λ = 0 on a rank-deficient
    // row, say), and a solve would return noise instead of an error. The original diagonal of
    // row i is kept in A[i][0], which is in the unused strictly lower triangle for i ≥ 1.
    for (int32_t i = 1; i < k; i++) A[(int64_t)i * lda] = A[(int64_t)i * lda + i];
    if (k % 16 == 0) {
        if (!factor_left_looking(k, A, lda)) return ALS_NOT_POSITIVE_DEFINITE;
    } else {
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

// A = gscale·G + diag(regScale·reg) (upper triangle), then the rank-n update; b = Σ t·y.
als_status_t als_assemble_row(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                              int64_t n, const int32_t *idx, const float *d, const float *t, const float *Y,
                              int64_t ldy, float *A, int32_t lda, float *b, float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || lda < k) return ALS_INVALID_ARGUMENT;
    for (int32_t i = 0; i < k; i++) {
        const float *gi = G + (int64_t)i * k;
        float *ai = A + (int64_t)i * lda;
        for (int32_t c = i; c < k; c++) ai[c] = gscale * gi[c];
        ai[i] += regScale * reg[i];
        b[i] = 0;
    }
    return als_accumulate(k, n, idx, d, t, Y, ldy, A, lda, b, scratch);
}

// The assembly above, then the solve.
als_status_t als_solve_cholesky_row(int32_t k, const float *G, float gscale, const float *reg,
                                    float regScale, int64_t n, const int32_t *idx, const float *d,
                                    const float *t, const float *Y, int64_t ldy, float *x,
                                    float *scratch) {
    float *A = scratch;
    als_status_t s = als_assemble_row(k, G, gscale, reg, regScale, n, idx, d, t, Y, ldy, A, k, x,
                                      scratch + (int64_t)k * k);
    if (s != ALS_OK) return s;
    return als_cholesky_solve(k, A, k, x);
}
