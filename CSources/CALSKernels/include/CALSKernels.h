#ifndef CALSKERNELS_H
#define CALSKERNELS_H
// CALSKernels: the hot inner loops of SwiftALS over raw offsets/indices/values pointers.
//
// Rules every kernel here follows:
// - it never allocates and keeps no global state: the caller passes scratch space, sized with
//   the `*_scratch_floats` functions below;
// - it returns an `als_status_t`, which the caller checks (Swift: `_check` in Interop/);
// - matrices are row-major Float32; a factor matrix Y has rows of `k` floats at stride `ldy`.
//
// Vocabulary, for one row (a user in the user half-step, an item in the item half-step) with
// `n` observed entries j at fixed-side rows idx[j]:
//   d[j] = c_j − w_j  (confidence minus missing weight)   t[j] = c_j · p_j  (confidence × target)
//   A = gscale·G + diag(regScale·reg) + Σ_j d[j]·y_j y_jᵀ,   b = Σ_j t[j]·y_j,   solve A x = b.
// G is the k×k Gram Σ_i w_i y_i y_iᵀ, computed once per half-step by the caller (OpenBLAS).

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status of every kernel. Zero is success.
typedef enum als_status : int32_t {
    ALS_OK = 0,
    /// A size or stride is out of range (k < 1, k > ALS_MAX_FACTORS, lda < k, n < 0, …).
    ALS_INVALID_ARGUMENT = 1,
    /// A pivot of the Cholesky factorisation was ≤ 0: the system is not positive definite.
    ALS_NOT_POSITIVE_DEFINITE = 2,
    /// A NaN or infinity appeared in the solution.
    ALS_NON_FINITE = 3,
} als_status_t;

/// The largest factor count the kernels accept (scratch sizes grow as k²).
#define ALS_MAX_FACTORS 4096

/// Entries gathered per block by `als_accumulate`; scratch holds one block of scaled rows.
#define ALS_ACCUMULATE_BLOCK 128

/// Floats of a row's gathered fixed-side vectors `als_solve_cg_row` keeps in scratch (512 KiB,
/// an L2's worth): rows with n·k beyond this are read in place instead.
#define ALS_CG_GATHER_FLOATS (1 << 19)

/// Floats of scratch `als_accumulate` needs for factor count k.
int64_t als_accumulate_scratch_floats(int32_t k);

/// Floats of scratch `als_solve_cholesky_row` needs: the k×k system plus the gather block.
int64_t als_cholesky_scratch_floats(int32_t k);

/// Floats of scratch `als_solve_cg_row` needs.
int64_t als_cg_scratch_floats(int32_t k);

/// Rank-n update of the upper triangle of A and of b:
///   A[i][j] += Σ_j d[j]·y[i]·y[j]  for i ≤ j,     b += Σ_j t[j]·y_j.
/// The strictly lower triangle of A is left unspecified. `b` may be NULL to skip it.
als_status_t als_accumulate(int32_t k, int64_t n, const int32_t *_Nonnull idx,
                            const float *_Nonnull d, const float *_Nonnull t,
                            const float *_Nonnull Y, int64_t ldy,
                            float *_Nonnull A, int32_t lda, float *_Nullable b,
                            float *_Nonnull scratch);

/// In-place Cholesky factorisation A = UᵀU of the upper triangle of the k×k row-major A,
/// then the solve of A x = b (x holds b on entry and the solution on return).
/// Returns ALS_NOT_POSITIVE_DEFINITE when a pivot is ≤ 0, not finite, or below 16·ε times its
/// original diagonal entry (singular to working precision). The strictly lower triangle is used
/// as scratch.
als_status_t als_cholesky_solve(int32_t k, float *_Nonnull A, int32_t lda, float *_Nonnull x);

/// The normal equations of one row, assembled: the upper triangle of
///   A = gscale·G + diag(regScale·reg) + Σ_j d[j]·y_j y_jᵀ     (k×k row-major, stride lda)
/// and b = Σ_j t[j]·y_j (overwritten). G is k×k (upper triangle read), `reg` has k entries,
/// `scratch` holds `als_accumulate_scratch_floats(k)` floats. For callers that factorise A
/// themselves (LAPACK at large k).
als_status_t als_assemble_row(int32_t k, const float *_Nonnull G, float gscale,
                              const float *_Nonnull reg, float regScale, int64_t n,
                              const int32_t *_Nonnull idx, const float *_Nonnull d,
                              const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                              float *_Nonnull A, int32_t lda, float *_Nonnull b,
                              float *_Nonnull scratch);

/// One row of exact ALS: A = gscale·G + diag(regScale·reg) + Σ d·y yᵀ, b = Σ t·y, then
/// x = A⁻¹ b by Cholesky. G is k×k (upper triangle read), `reg` has k entries.
als_status_t als_solve_cholesky_row(int32_t k, const float *_Nonnull G, float gscale,
                                    const float *_Nonnull reg, float regScale, int64_t n,
                                    const int32_t *_Nonnull idx, const float *_Nonnull d,
                                    const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                                    float *_Nonnull x, float *_Nonnull scratch);

/// The matrix-free product of conjugate gradient, never forming A:
///   out = gscale·G·v + Σ_j d[j]·(y_jᵀv)·y_j + regScale·reg∘v.     G is k×k, full symmetric.
als_status_t als_cg_product(int32_t k, const float *_Nonnull G, float gscale,
                            const float *_Nonnull reg, float regScale, int64_t n,
                            const int32_t *_Nonnull idx, const float *_Nonnull d,
                            const float *_Nonnull Y, int64_t ldy, const float *_Nonnull v,
                            float *_Nonnull out);

/// `steps` iterations of conjugate gradient on A x = b (A and b as in `als_solve_cholesky_row`,
/// G full symmetric), warm-started from the x passed in, which is overwritten.
als_status_t als_solve_cg_row(int32_t k, const float *_Nonnull G, float gscale,
                              const float *_Nonnull reg, float regScale, int64_t n,
                              const int32_t *_Nonnull idx, const float *_Nonnull d,
                              const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                              int32_t steps, float *_Nonnull x, float *_Nonnull scratch);

/// Conjugate gradient for a batch of rows, one row per call, with the Gram products G·x and G·p
/// of the whole batch formed by the caller (one `sgemm` per step and batch). Start:
///   r = b − A x = Σ_j (t_j − d_j y_jᵀx) y_j − gscale·gx − regScale·reg∘x,   p = r,   *rs = rᵀr,
/// with gx = G x and A, b as in `als_solve_cholesky_row`.
als_status_t als_cg_batch_start(int32_t k, float gscale, const float *_Nonnull reg, float regScale,
                                int64_t n, const int32_t *_Nonnull idx, const float *_Nonnull d,
                                const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                                const float *_Nonnull gx, const float *_Nonnull x, float *_Nonnull r,
                                float *_Nonnull p, float *_Nonnull rs);

/// One CG step of one row of a batch, given gp = G p (`Ap` is k floats of scratch):
///   Ap = gscale·gp + regScale·reg∘p + Σ_j d_j (y_jᵀp) y_j,   α = *rs / pᵀAp,
///   x += α p,   r −= α Ap,   p = r + (rᵀr / *rs) p,   *rs = rᵀr.
/// A row with *rs < 1e-20 has converged and is left unchanged, as `als_solve_cg_row` stops.
/// Steps from the same start give `als_solve_cg_row`'s iterates up to rounding.
als_status_t als_cg_batch_step(int32_t k, float gscale, const float *_Nonnull reg, float regScale,
                               int64_t n, const int32_t *_Nonnull idx, const float *_Nonnull d,
                               const float *_Nonnull Y, int64_t ldy, const float *_Nonnull gp,
                               float *_Nonnull p, float *_Nonnull x, float *_Nonnull r,
                               float *_Nonnull rs, float *_Nonnull Ap);

/// Floats of scratch `als_solve_subspace_row` needs for a row of at most `n` entries (the
/// prediction cache grows with n). 0 when k < 1 or n < 0.
int64_t als_subspace_scratch_floats(int32_t k, int32_t block, int64_t n);

/// iALS++ subspace optimisation of one row (Rendle et al. 2021): `sweeps` passes over the k
/// dimensions in blocks of `block` (the last block may be shorter; block > k means one block),
/// each block B solving A_BB δ = (b − A x)_B exactly by Cholesky and setting x_B += δ, with A and b
/// as in `als_solve_cholesky_row` (G full symmetric). Warm-started from the x passed in, which is
/// overwritten. block ≥ k with one sweep is the exact solve; block = 1 is coordinate descent.
/// `scratch` holds at least `als_subspace_scratch_floats(k, block, n)` floats.
als_status_t als_solve_subspace_row(int32_t k, const float *_Nonnull G, float gscale,
                                    const float *_Nonnull reg, float regScale, int64_t n,
                                    const int32_t *_Nonnull idx, const float *_Nonnull d,
                                    const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                                    int32_t block, int32_t sweeps, float *_Nonnull x,
                                    float *_Nonnull scratch);

/// The subspace solver for a batch of rows, one row and one block per call, with (G x)_B of the
/// whole batch formed by the caller (one `sgemm` per block and batch, so G is streamed once per
/// batch rather than once per row). First the prediction cache of the row's entries:
///   s_j = y_jᵀx.
als_status_t als_subspace_predict(int32_t k, int64_t n, const int32_t *_Nonnull idx,
                                  const float *_Nonnull Y, int64_t ldy, const float *_Nonnull x,
                                  float *_Nonnull s);

/// Floats of scratch `als_subspace_block_step` needs for rows of at most `n` entries.
int64_t als_subspace_block_scratch_floats(int32_t k, int32_t block, int64_t n);

/// Then, for each block B = b0 ..< b0 + b in turn, given gxB = (G x)_B of the current x:
///   A_BB δ = Σ_j (t_j − d_j s_j) y_j,B − gscale·gxB − regScale·reg_B ∘ x_B,   x_B += δ,
///   s_j += y_j,Bᵀδ,
/// with A_BB = gscale·G_BB + diag(regScale·reg_B) + Σ_j d_j y_j,B y_j,Bᵀ (Cholesky). Requires
/// 0 ≤ b0, 1 ≤ b ≤ k − b0.
als_status_t als_subspace_block_step(int32_t k, const float *_Nonnull G, float gscale,
                                     const float *_Nonnull reg, float regScale, int64_t n,
                                     const int32_t *_Nonnull idx, const float *_Nonnull d,
                                     const float *_Nonnull t, const float *_Nonnull Y, int64_t ldy,
                                     int32_t b0, int32_t b, const float *_Nonnull gxB,
                                     float *_Nonnull x, float *_Nonnull s, float *_Nonnull scratch);

/// Floats of scratch `als_subspace_eigen_block_step` needs for rows of at most `n` entries.
/// 0 when block < 1 or n < 0.
int64_t als_subspace_eigen_scratch_floats(int32_t block, int64_t n);

/// The same block step as `als_subspace_block_step` (same x and s afterwards, up to rounding),
/// solved in the eigenbasis of G_BB with the Woodbury identity instead of a b×b Cholesky: for
/// rows with fewer entries than b. `lambda` holds G_BB's b eigenvalues, `E` (b×b, row-major)
/// its orthonormal eigenvectors as rows, and `Z` (rows of the fixed side × b, row-major) the
/// fixed side's block in that basis, Z = Y_B Eᵀ. The block's regularisation is uniform, ρ =
/// regScale·reg_B. Requires gscale ≥ 0, ρ > 0 and every d[j] ≥ 0 (ALS_INVALID_ARGUMENT
/// otherwise), 0 ≤ b0, 1 ≤ b ≤ k − b0; `scratch` holds
/// `als_subspace_eigen_scratch_floats(b, n)` floats.
als_status_t als_subspace_eigen_block_step(int32_t k, float gscale, float rho,
                                           const float *_Nonnull lambda, const float *_Nonnull E,
                                           int64_t n, const int32_t *_Nonnull idx,
                                           const float *_Nonnull d, const float *_Nonnull t,
                                           const float *_Nonnull Z, int32_t b0, int32_t b,
                                           const float *_Nonnull gxB, float *_Nonnull x,
                                           float *_Nonnull s, float *_Nonnull scratch);

/// The data part of one row's loss, in Double:
///   gscale·xᵀGx + Σ_j [ c[j]·(p[j] − s_j)² − w[j]·s_j² ],   s_j = xᵀy_j.
/// That is Σ over the row's observed cells of c(p − s)² plus Σ over its missing cells of w s²,
/// without visiting a missing cell (the Gram holds Σ over all cells). G is full symmetric.
als_status_t als_row_loss(int32_t k, const float *_Nullable G, float gscale, int64_t n,
                          const int32_t *_Nonnull idx, const float *_Nonnull c,
                          const float *_Nonnull p, const float *_Nonnull w,
                          const float *_Nonnull Y, int64_t ldy, const float *_Nonnull x,
                          double *_Nonnull out);

/// Quantised pre-selection scores: out[i] = (float)(Σ_f q[f]·Y[i·stride + f]) · factor for
/// i < rows, the sum in Int32. Y is rows × stride Int8 (stride a multiple of 16), q has stride
/// Int16 values. Precondition (not checked): stride · max|q| · max|Y| < 2³¹, so the sum is exact.
als_status_t als_quantized_scores(int64_t rows, int64_t stride, const int8_t *_Nonnull Y,
                                  const int16_t *_Nonnull q, float factor, float *_Nonnull out);

/// Top-K block skipping: the first j = from + 8m (m ≥ 0) whose block a[j ..< j + 8] holds a
/// score ≥ t, else the first such j with j + 8 > n. Every block skipped holds only scores below
/// t or NaN. Returns an index, not a status: any from ≥ 0, n ≥ 0 is valid.
int64_t als_skip_below(int64_t n, const float *_Nonnull a, int64_t from, float t);

#ifdef __cplusplus
}
#endif

#endif
