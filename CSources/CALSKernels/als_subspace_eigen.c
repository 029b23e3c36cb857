// als_subspace_eigen_block_step: one subspace block step of `als_subspace_block_step`, for a row
// with fewer entries than the block has dimensions, without forming or factorising the b×b
// system.
//
// The block's system is
//
//   A_BB = gscale·G_BB + ρ·I + Σ_j d_j y_j,B y_j,Bᵀ,     ρ = regScale·reg (uniform over B),
//
// and G_BB is the same for every row of the half-step. With its eigendecomposition
// G_BB = Q Λ Qᵀ (computed once per block, by the caller) and z_j = Qᵀ y_j,B (the caller's
// Z = Y_B Q, once per block), in Q's basis
//
//   Qᵀ A_BB Q = L + Z_rᵀ D Z_r,    L = gscale·Λ + ρ·I (diagonal, > 0),
//
// where Z_r holds the row's n rows z_j and D = diag(d_j ≥ 0). With W = D^½ Z_r L^-½ (n×b) and
// the Woodbury identity (I + WᵀW)⁻¹ = I − Wᵀ (I + W Wᵀ)⁻¹ W, the step δ = A_BB⁻¹ r is
//
//   r̃ = Qᵀ r,   v = L^-½ r̃,   K = I + W Wᵀ (n×n),   K w = W v,
//   δ̃ = L^-½ (v − Wᵀ w),     δ = Q δ̃,
//
// and the prediction cache moves by s_j += y_j,Bᵀ δ = z_jᵀ δ̃. The residual r = (b − A x)_B is
// the same as in `als_subspace_block_step`; in Q's basis its sparse part is Σ_j e_j z_j, so the
// fixed side's rows y_j are not read at all, only their z_j. K's eigenvalues are ≥ 1, so its
// Cholesky is well conditioned. K is factorised padded to a whole number of 16-float vectors,
// np = ⌈n/16⌉·16 (the padded block is I, its right-hand side 0, so its solution is 0), because
// `als_cholesky_solve`'s vectorised factorisations need k a multiple of 16: its scalar fallback
// made rows of 90–120 entries at b = 128 cost up to 1.5× more unpadded (one thread, AVX2).
// A step costs n²·b/2 (K) + n³/6 (its Cholesky) + about 5·n·b + 2·b² multiply-adds, against
// n·b²/2 + b³/6 for the assembled system: at n = 22 and b = 128 (a Gowalla row) about 8× fewer.
#include <math.h>
#include "als_simd.h"

// K's order once padded (see above).
static inline int64_t eigen_padded(int64_t n) { return (n + 15) / 16 * 16; }

int64_t als_subspace_eigen_scratch_floats(int32_t block, int64_t n) {
    if (block < 1 || n < 0) return 0;
    // r (b), r̃ then v (b), L^-½ (b), δ̃ (b), W (n·b), K (np·np), e then w (np).
    const int64_t np = eigen_padded(n);
    return 4 * (int64_t)block + n * block + np * np + np;
}

ALS_DISPATCH
als_status_t als_subspace_eigen_block_step(int32_t k, float gscale, float rho, const float *lambda,
                                           const float *E, int64_t n, const int32_t *idx, const float *d,
                                           const float *t, const float *Z, int32_t b0, int32_t b,
                                           const float *gxB, float *x, float *s, float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || b0 < 0 || b < 1 || b > k - b0 || n > ALS_MAX_FACTORS) {
        return ALS_INVALID_ARGUMENT;
    }
    if (!(gscale >= 0) || !(rho > 0)) return ALS_INVALID_ARGUMENT;
    const int64_t np = eigen_padded(n);
    float *r = scratch, *v = r + b, *isq = v + b, *dt = isq + b, *W = dt + b, *K = W + n * b, *e = K + np * np;
    // r = −gscale·(G x)_B − ρ·x_B; r̃ = Qᵀ r (E's rows are Q's columns) + Σ_j e_j z_j.
    int zero = 1;
    for (int32_t i = 0; i < b; i++) {
        r[i] = -gscale * gxB[i] - rho * x[b0 + i];
        zero &= r[i] == 0;
    }
    // A zero residual part (x = 0 and G x = 0: the exact solver's start) rotates to zero, without
    // Qᵀr's b² multiply-adds.
    if (zero) memset(v, 0, sizeof(float) * (size_t)b);
    else for (int32_t c = 0; c < b; c++) v[c] = als_dot(b, E + (int64_t)c * b, r);
    for (int64_t j = 0; j < n; j++) {
        if (!(d[j] >= 0)) return ALS_INVALID_ARGUMENT;
        als_axpy(b, t[j] - d[j] * s[j], Z + (int64_t)idx[j] * b, v);
    }
    // L^-½, v = L^-½ r̃, W_j = √d_j · z_j ∘ L^-½.
    for (int32_t c = 0; c < b; c++) {
        const float l = gscale * (lambda[c] > 0 ? lambda[c] : 0) + rho;
        isq[c] = 1 / sqrtf(l);
        v[c] *= isq[c];
    }
    for (int64_t j = 0; j < n; j++) {
        const float *zj = Z + (int64_t)idx[j] * b, sd = sqrtf(d[j]);
        float *wj = W + j * b;
        for (int32_t c = 0; c < b; c++) wj[c] = sd * zj[c] * isq[c];
    }
    // K = I + W Wᵀ (upper triangle), e = W v, padded with I and 0; K w = e.
    for (int64_t j = 0; j < n; j++) {
        const float *wj = W + j * b;
        for (int64_t l = j; l < n; l++) K[j * np + l] = als_dot(b, wj, W + l * b);
        for (int64_t l = n; l < np; l++) K[j * np + l] = 0;
        K[j * np + j] += 1;
        e[j] = als_dot(b, wj, v);
    }
    for (int64_t j = n; j < np; j++) {
        memset(K + j * np + j, 0, sizeof(float) * (size_t)(np - j));
        K[j * np + j] = 1;
        e[j] = 0;
    }
    if (n > 0) {
        als_status_t status = als_cholesky_solve((int32_t)np, K, (int32_t)np, e);
        if (status != ALS_OK) return status;
    }
    // δ̃ = L^-½ (v − Wᵀ w).
    memcpy(dt, v, sizeof(float) * (size_t)b);
    for (int64_t j = 0; j < n; j++) als_axpy(b, -e[j], W + j * b, dt);
    for (int32_t c = 0; c < b; c++) dt[c] *= isq[c];
    // x_B += Q δ̃ (the sum of E's rows weighted by δ̃); s_j += z_jᵀ δ̃.
    memset(r, 0, sizeof(float) * (size_t)b);
    for (int32_t c = 0; c < b; c++) als_axpy(b, dt[c], E + (int64_t)c * b, r);
    for (int32_t i = 0; i < b; i++) {
        x[b0 + i] += r[i];
        if (!isfinite(x[b0 + i])) return ALS_NON_FINITE;
    }
    for (int64_t j = 0; j < n; j++) s[j] += als_dot(b, Z + (int64_t)idx[j] * b, dt);
    return ALS_OK;
}
