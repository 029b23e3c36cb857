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
//
// The row kernel is `als_subspace_predict` (the cache) then `als_subspace_block_step` per block.
// Training calls those two itself for blocks of rows, forming (G x)_B for all of a block's rows
// with one sgemm: G_B,: x per row alone streams the whole Gram from memory once per row.
#include <math.h>
#include "als_simd.h"

// The block size actually used: at least 1, at most k.
static inline int32_t effective_block(int32_t k, int32_t block) {
    return block < 1 ? 1 : (block > k ? k : block);
}

int64_t als_subspace_scratch_floats(int32_t k, int32_t block, int64_t n) {
    if (k < 1 || n < 0) return 0;
    const int64_t b = effective_block(k, block);
    // s (n), (G x)_B (b), then what one block step needs.
    return n + b + als_subspace_block_scratch_floats(k, block, n);
}

int64_t als_subspace_block_scratch_floats(int32_t k, int32_t block, int64_t n) {
    if (k < 1 || n < 0) return 0;
    const int64_t b = effective_block(k, block);
    // The residual weights (n), the block's system (b×b), its right-hand side (b), the gather
    // block of als_accumulate for b columns.
    return n + b * b + b + als_accumulate_scratch_floats((int32_t)b);
}

ALS_DISPATCH
als_status_t als_subspace_predict(int32_t k, int64_t n, const int32_t *idx, const float *Y, int64_t ldy,
                                  const float *x, float *s) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    for (int64_t j = 0; j < n; j++) {
        if (j + ALS_PREFETCH_AHEAD < n) als_prefetch_row(Y + (int64_t)idx[j + ALS_PREFETCH_AHEAD] * ldy, k);
        s[j] = als_dot(k, Y + (int64_t)idx[j] * ldy, x);
    }
    return ALS_OK;
}

ALS_DISPATCH
als_status_t als_subspace_block_step(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                                     int64_t n, const int32_t *idx, const float *d, const float *t,
                                     const float *Y, int64_t ldy, int32_t b0, int32_t b, const float *gxB,
                                     float *x, float *s, float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || b0 < 0 || b < 1 || b > k - b0) return ALS_INVALID_ARGUMENT;
    float *e = scratch, *A = e + n, *r = A + (int64_t)b * b, *gather = r + b;
    const float *YB = Y + b0; // row j's block is YB + idx[j]·ldy, b floats
    // A_BB = gscale·G_BB + diag(regScale·reg_B) (upper triangle), and the right-hand side's dense
    // part −gscale·(G x)_B − regScale·reg_B ∘ x_B.
    for (int32_t i = 0; i < b; i++) {
        const float *gi = G + (int64_t)(b0 + i) * k;
        float *ai = A + (int64_t)i * b;
        for (int32_t c = i; c < b; c++) ai[c] = gscale * gi[b0 + c];
        ai[i] += regScale * reg[b0 + i];
        r[i] = -gscale * gxB[i] - regScale * reg[b0 + i] * x[b0 + i];
    }
    // The sparse parts: A_BB += Σ d_j y_j,B y_j,Bᵀ, r += Σ (t_j − d_j s_j) y_j,B.
    for (int64_t j = 0; j < n; j++) e[j] = t[j] - d[j] * s[j];
    als_status_t status = als_accumulate(b, n, idx, d, e, YB, ldy, A, b, r, gather);
    if (status != ALS_OK) return status;
    status = als_cholesky_solve(b, A, b, r); // r becomes δ
    if (status != ALS_OK) return status;
    for (int32_t i = 0; i < b; i++) {
        x[b0 + i] += r[i];
        if (!isfinite(x[b0 + i])) return ALS_NON_FINITE;
    }
    for (int64_t j = 0; j < n; j++) s[j] += als_dot(b, YB + (int64_t)idx[j] * ldy, r);
    return ALS_OK;
}

als_status_t als_solve_subspace_row(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                                    int64_t n, const int32_t *idx, const float *d, const float *t,
                                    const float *Y, int64_t ldy, int32_t block, int32_t sweeps, float *x,
                                    float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || block < 1 || sweeps < 0) return ALS_INVALID_ARGUMENT;
    const int32_t bmax = effective_block(k, block);
    float *s = scratch, *gxB = s + n, *step = gxB + bmax;
    als_status_t status = als_subspace_predict(k, n, idx, Y, ldy, x, s);
    for (int32_t sweep = 0; sweep < sweeps && status == ALS_OK; sweep++) {
        for (int32_t b0 = 0; b0 < k && status == ALS_OK; b0 += bmax) {
            const int32_t b = k - b0 < bmax ? k - b0 : bmax;
            for (int32_t i = 0; i < b; i++) gxB[i] = als_dot(k, G + (int64_t)(b0 + i) * k, x);
            status = als_subspace_block_step(k, G, gscale, reg, regScale, n, idx, d, t, Y, ldy, b0, b, gxB, x, s, step);
        }
    }
    return status;
}
