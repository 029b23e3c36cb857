// Conjugate gradient for one row without forming A (as implicit's least_squares_cg):
//
//   A·v = gscale·G·v + Σ_j d_j (y_jᵀv) y_j + regScale·reg∘v,     b = Σ_j t_j y_j
//
// warm-started from the previous factors, so a few steps per iteration suffice (default 3).
// Each entry's dot and axpy are fused in one pass over y_j, which stays in L1 between them.
#include <math.h>
#include "als_simd.h"

int64_t als_cg_scratch_floats(int32_t k) { return 3 * (int64_t)k; }

// out = gscale·G·v + regScale·reg∘v (G full symmetric, row-major).
ALS_DISPATCH
static void gram_product(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                         const float *v, float *out) {
    for (int32_t i = 0; i < k; i++)
        out[i] = gscale * als_dot(k, G + (int64_t)i * k, v) + regScale * reg[i] * v[i];
}

ALS_DISPATCH
static void sparse_product(int32_t k, int64_t n, const int32_t *idx, const float *w,
                           const float *Y, int64_t ldy, const float *v, float *out) {
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * ldy;
        float s = w[j] * als_dot(k, y, v);
        als_axpy(k, s, y, out);
    }
}

als_status_t als_cg_product(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                            int64_t n, const int32_t *idx, const float *d, const float *Y,
                            int64_t ldy, const float *v, float *out) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    gram_product(k, G, gscale, reg, regScale, v, out);
    sparse_product(k, n, idx, d, Y, ldy, v, out);
    return ALS_OK;
}

ALS_DISPATCH
static void add_targets(int32_t k, int64_t n, const int32_t *idx, const float *t, const float *Y,
                        int64_t ldy, float *r) {
    for (int64_t j = 0; j < n; j++) als_axpy(k, t[j], Y + (int64_t)idx[j] * ldy, r);
}

ALS_DISPATCH
static float dot_k(int32_t k, const float *a, const float *b) { return als_dot(k, a, b); }

als_status_t als_solve_cg_row(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                              int64_t n, const int32_t *idx, const float *d, const float *t,
                              const float *Y, int64_t ldy, int32_t steps, float *x, float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || steps < 0) return ALS_INVALID_ARGUMENT;
    float *r = scratch, *p = scratch + k, *Ap = scratch + 2 * (int64_t)k;
    // r = b − A x, with b = Σ t_j y_j.
    als_cg_product(k, G, gscale, reg, regScale, n, idx, d, Y, ldy, x, Ap);
    for (int32_t i = 0; i < k; i++) r[i] = -Ap[i];
    add_targets(k, n, idx, t, Y, ldy, r);
    for (int32_t i = 0; i < k; i++) p[i] = r[i];
    float rsold = dot_k(k, r, r);
    for (int32_t it = 0; it < steps; it++) {
        if (rsold < 1e-20f) break;
        als_cg_product(k, G, gscale, reg, regScale, n, idx, d, Y, ldy, p, Ap);
        float pAp = dot_k(k, p, Ap);
        if (!(pAp > 0)) return isfinite(pAp) ? ALS_NOT_POSITIVE_DEFINITE : ALS_NON_FINITE;
        float alpha = rsold / pAp;
        als_axpy(k, alpha, p, x);
        als_axpy(k, -alpha, Ap, r);
        float rsnew = dot_k(k, r, r);
        float beta = rsnew / rsold;
        for (int32_t i = 0; i < k; i++) p[i] = r[i] + beta * p[i];
        rsold = rsnew;
    }
    for (int32_t i = 0; i < k; i++) if (!isfinite(x[i])) return ALS_NON_FINITE;
    return ALS_OK;
}
