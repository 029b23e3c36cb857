// als_solve_subspace_row: iALS++ subspace optimisation of one row (Rendle, Krichene, Zhang and
// Koren, "iALS++: Speeding up Matrix Factorization with Subspace Optimization", 2021).
//
// The row's objective, with A and b as in `als_solve_cholesky_row`, is
//
//   f(x) = ½ xᵀA x − bᵀx,    A = gscale·G + diag(regScale·reg) + Σ_j d_j y_j y_jᵀ,   b = Σ_j t_j y_j.
//
// Instead of solving A x = b at once (k³/3), the k dimensions are swept in blocks B of `block`
// consecutive dimensions, and each block is minimised exactly with the others held fixed:
//
//   A_BB δ = (b − A x)_B,     x_B += δ,
//
//   (b − A x)_B = Σ_j (t_j − d_j s_j) y_j,B − gscale·G_B,: x − regScale·reg_B ∘ x_B,
//   A_BB        = gscale·G_BB + diag(regScale·reg_B) + Σ_j d_j y_j,B y_j,Bᵀ,
//
// where s_j = y_jᵀx is the prediction cache of the row's observed cells, kept current after
// each block by s_j += y_j,Bᵀδ (so no block re-reads all k dimensions of y_j). The Gram enters
// only through its b×k slice G_B,: of the block's rows. A block costs n·b² (its system, through
// `als_accumulate` on the block's columns) + b³/3 (its Cholesky) + b·k (the Gram slice) + 2·n·b
// (the residual and the cache), so a sweep costs about n·k·b + k·b² + k², against n·k² + k³/3
// for the exact solve. With block ≥ k one block is the whole system and one sweep is the exact
// solve from any start; with block = 1 it is implicit coordinate descent (iCD). Every block step
// minimises f over its block, so f never increases.
#include <math.h>
#include "als_simd.h"

// The block size actually used: at least 1, at most k.
static inline int32_t effective_block(int32_t k, int32_t block) {
    return block < 1 ? 1 : (block > k ? k : block);
}

int64_t als_subspace_scratch_floats(int32_t k, int32_t block, int64_t n) {
    if (k < 1 || n < 0) return 0;
    const int64_t b = effective_block(k, block);
    // s and the residual weights (n each), the block's system (b×b), its right-hand side (b),
    // the gather block of als_accumulate for b columns.
    return 2 * n + b * b + b + als_accumulate_scratch_floats((int32_t)b);
}

ALS_DISPATCH
static als_status_t subspace_solve(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                                   int64_t n, const int32_t *idx, const float *d, const float *t,
                                   const float *Y, int64_t ldy, int32_t block, int32_t sweeps, float *x,
                                   float *scratch) {
    const int32_t bmax = effective_block(k, block);
    float *s = scratch, *e = scratch + n;
    float *A = e + n, *r = A + (int64_t)bmax * bmax, *gather = r + bmax;
    // The prediction cache s_j = y_jᵀx for the warm start.
    for (int64_t j = 0; j < n; j++) {
        if (j + ALS_PREFETCH_AHEAD < n) als_prefetch_row(Y + (int64_t)idx[j + ALS_PREFETCH_AHEAD] * ldy, k);
        s[j] = als_dot(k, Y + (int64_t)idx[j] * ldy, x);
    }
    for (int32_t sweep = 0; sweep < sweeps; sweep++) {
        for (int32_t b0 = 0; b0 < k; b0 += bmax) {
            const int32_t b = k - b0 < bmax ? k - b0 : bmax;
            const float *YB = Y + b0; // row j's block is YB + idx[j]·ldy, b floats
            // A_BB = gscale·G_BB + diag(regScale·reg_B) (upper triangle), and the right-hand
            // side's dense part −gscale·G_B,: x − regScale·reg_B ∘ x_B.
            for (int32_t i = 0; i < b; i++) {
                const float *gi = G + (int64_t)(b0 + i) * k;
                float *ai = A + (int64_t)i * b;
                for (int32_t c = i; c < b; c++) ai[c] = gscale * gi[b0 + c];
                ai[i] += regScale * reg[b0 + i];
                r[i] = -gscale * als_dot(k, gi, x) - regScale * reg[b0 + i] * x[b0 + i];
            }
            // The sparse parts: A_BB += Σ d_j y_j,B y_j,Bᵀ, r += Σ (t_j − d_j s_j) y_j,B.
            for (int64_t j = 0; j < n; j++) e[j] = t[j] - d[j] * s[j];
            als_status_t status = als_accumulate(b, n, idx, d, e, YB, ldy, A, b, r, gather);
            if (status != ALS_OK) return status;
            status = als_cholesky_solve(b, A, b, r); // r becomes δ
            if (status != ALS_OK) return status;
            for (int32_t i = 0; i < b; i++) x[b0 + i] += r[i];
            for (int64_t j = 0; j < n; j++) s[j] += als_dot(b, YB + (int64_t)idx[j] * ldy, r);
        }
    }
    for (int32_t i = 0; i < k; i++) if (!isfinite(x[i])) return ALS_NON_FINITE;
    return ALS_OK;
}

als_status_t als_solve_subspace_row(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                                    int64_t n, const int32_t *idx, const float *d, const float *t,
                                    const float *Y, int64_t ldy, int32_t block, int32_t sweeps, float *x,
                                    float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || block < 1 || sweeps < 0) return ALS_INVALID_ARGUMENT;
    return subspace_solve(k, G, gscale, reg, regScale, n, idx, d, t, Y, ldy, block, sweeps, x, scratch);
}
