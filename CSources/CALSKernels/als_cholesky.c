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

#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
// AVX2 + FMA without AVX-512, k a multiple of 16: the left-looking factorisation above, R rows at
// a time. A strip of rows I = i0 … i0 + R − 1 first takes every earlier row's update at once,
//
//   A[I][c] −= Σ_{p<i0} U[p][I] · U[p][c]      (c from the 16-column boundary at or below i0),
//
// in R × 16 register tiles as in `als_accumulate`'s AVX2 path (two loads of U[p][c…] and R
// broadcasts per 2R multiply-adds), where the row-at-a-time loop above loads each U[p][c…] for
// one row only (a load per multiply-add, from L2 once A outgrows L1). Then the strip factors
// itself: row i takes the updates of the strip's rows before it (at most R − 1 axpys), is checked
// and divided by its pivot's root. Lanes left of a row's diagonal are read and written, never used.
ALS_INLINE void strip_update_avx2(const int R, int32_t k, float *A, int32_t lda, int32_t i0) {
    for (int32_t c0 = i0 - i0 % 16; c0 < k; c0 += 16) {
        als_v8 a[6][2];
        for (int r = 0; r < R; r++) a[r][0] = a[r][1] = (als_v8){0};
        for (int32_t p = 0; p < i0; p++) {
            const float *rp = A + (int64_t)p * lda;
            const als_v8 u0 = als_load8(rp + c0), u1 = als_load8(rp + c0 + 8);
            for (int r = 0; r < R; r++) {
                const float v = rp[i0 + r];
                const als_v8 s = {v, v, v, v, v, v, v, v};
                a[r][0] += s * u0;
                a[r][1] += s * u1;
            }
        }
        for (int r = 0; r < R; r++) {
            float *row = A + (int64_t)(i0 + r) * lda + c0;
            als_store8(row, als_load8(row) - a[r][0]);
            als_store8(row + 8, als_load8(row + 8) - a[r][1]);
        }
    }
}

// Rows i0 … i0 + R − 1 once `strip_update_avx2` has run; orig[r] is row i0 + r's original diagonal.
ALS_INLINE int strip_factor(const int R, int32_t k, float *A, int32_t lda, int32_t i0, const float *orig) {
    const float eps16 = 16.0f * 1.1920929e-7f;
    for (int r = 0; r < R; r++) {
        const int32_t i = i0 + r;
        float *ri = A + (int64_t)i * lda;
        for (int q = 0; q < r; q++) {
            const float *rq = A + (int64_t)(i0 + q) * lda;
            als_axpy(k - i, -rq[i], rq + i, ri + i);
        }
        const float pivot = ri[i];
        if (!(pivot > eps16 * orig[r]) || !isfinite(pivot)) return 0;
        const float inv = 1.0f / sqrtf(pivot);
        for (int32_t c = i; c < k; c++) ri[c] *= inv;
    }
    return 1;
}

__attribute__((target("avx2,fma")))
static int factor_strips_avx2(int32_t k, float *A, int32_t lda) {
    float orig[6];
    for (int32_t i0 = 0; i0 < k;) {
        const int R = k - i0 >= 6 ? 6 : k - i0 >= 4 ? 4 : k - i0 >= 2 ? 2 : 1;
        // Read before the update, which writes column 0 of the first strips' rows.
        for (int r = 0; r < R; r++) orig[r] = A[(int64_t)(i0 + r) * lda];
        switch (R) {
        case 6: strip_update_avx2(6, k, A, lda, i0); if (!strip_factor(6, k, A, lda, i0, orig)) return 0; break;
        case 4: strip_update_avx2(4, k, A, lda, i0); if (!strip_factor(4, k, A, lda, i0, orig)) return 0; break;
        case 2: strip_update_avx2(2, k, A, lda, i0); if (!strip_factor(2, k, A, lda, i0, orig)) return 0; break;
        default: strip_update_avx2(1, k, A, lda, i0); if (!strip_factor(1, k, A, lda, i0, orig)) return 0; break;
        }
        i0 += R;
    }
    return 1;
}
#define ALS_HAS_AVX2_STRIPS 1
#endif

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
#ifdef ALS_HAS_AVX2_STRIPS
        if (als_cpu_avx2_widest()) {
            if (!factor_strips_avx2(k, A, lda)) return ALS_NOT_POSITIVE_DEFINITE;
        } else
#endif
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
