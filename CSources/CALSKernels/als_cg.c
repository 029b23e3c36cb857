// Conjugate gradient for one row without forming A (as implicit's least_squares_cg):
//
//   A·v = gscale·G·v + Σ_j d_j (y_jᵀv) y_j + regScale·reg∘v,     b = Σ_j t_j y_j
//
// warm-started from the previous factors, so a few steps per iteration suffice (default 3).
//
// Speed: the sparse part is the cost. A row's y_j are gathered once into scratch (when they fit,
// ALS_CG_GATHER_FLOATS), in row and transposed layouts, so the 1 + steps sparse products re-read
// them from cache instead of from scattered rows of a factor matrix that may not fit in cache,
// and need no horizontal sums (see sparse_product_gathered). Rows too long to gather are read
// in place, four entries at a time.
#include <math.h>
#include "als_simd.h"

// Rows shorter than this are read in place (see cg_solve).
#define ALS_CG_GATHER_MIN_ENTRIES 64

// Entries a row may have to be gathered: whole 16-entry blocks of k floats within the budget.
static inline int64_t gather_capacity(int32_t k) { return (ALS_CG_GATHER_FLOATS / k) / 16 * 16; }

int64_t als_cg_scratch_floats(int32_t k) {
    // r, p, Ap; the row and transposed layouts; the padded d and t.
    return 3 * (int64_t)k + 2 * (int64_t)ALS_CG_GATHER_FLOATS + 2 * gather_capacity(k);
}

// out = gscale·G·v + regScale·reg∘v. G is symmetric, so G·v = Σ_i v_i·G[i][:]: whole-vector
// multiply-adds into register accumulators (64 columns at a time), no horizontal sums.
ALS_INLINE void gram_product(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                             const float *v, float *out) {
    int32_t c = 0;
    for (; c + 64 <= k; c += 64) {
        als_v16 a0 = als_splat16(0), a1 = a0, a2 = a0, a3 = a0;
        for (int32_t i = 0; i < k; i++) {
            const float *g = G + (int64_t)i * k + c;
            als_v16 vi = als_splat16(v[i]);
            a0 += vi * als_load16(g);
            a1 += vi * als_load16(g + 16);
            a2 += vi * als_load16(g + 32);
            a3 += vi * als_load16(g + 48);
        }
        als_v16 gs = als_splat16(gscale);
        als_store16(out + c, gs * a0);
        als_store16(out + c + 16, gs * a1);
        als_store16(out + c + 32, gs * a2);
        als_store16(out + c + 48, gs * a3);
    }
    for (; c < k; c++) {
        float acc = 0;
        for (int32_t i = 0; i < k; i++) acc += v[i] * G[(int64_t)i * k + c];
        out[c] = gscale * acc;
    }
    for (c = 0; c < k; c++) out[c] += regScale * reg[c] * v[c];
}

// Row j of the fixed side, read in place.
#define ROW(j) (Y + (int64_t)idx[j] * ldy)

// In place: out += Σ_j w_j (y_jᵀv) y_j, or, when tw != NULL, out += Σ_j (tw_j − w_j y_jᵀv) y_j.
// Entries go four at a time so four dot products overlap their latencies.
ALS_INLINE void sparse_product(int32_t k, int64_t n, const int32_t *idx, const float *w, const float *tw,
                               const float *Y, int64_t ldy, const float *v, float *out) {
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *y0 = ROW(j), *y1 = ROW(j + 1), *y2 = ROW(j + 2), *y3 = ROW(j + 3);
        als_v16 a0 = als_splat16(0), a1 = a0, a2 = a0, a3 = a0;
        int32_t i = 0;
        for (; i + 16 <= k; i += 16) {
            als_v16 vv = als_load16(v + i);
            a0 += als_load16(y0 + i) * vv;
            a1 += als_load16(y1 + i) * vv;
            a2 += als_load16(y2 + i) * vv;
            a3 += als_load16(y3 + i) * vv;
        }
        float d0 = als_hsum16(a0), d1 = als_hsum16(a1), d2 = als_hsum16(a2), d3 = als_hsum16(a3);
        for (int32_t r = i; r < k; r++) {
            d0 += y0[r] * v[r]; d1 += y1[r] * v[r]; d2 += y2[r] * v[r]; d3 += y3[r] * v[r];
        }
        float s0 = w[j] * d0, s1 = w[j + 1] * d1, s2 = w[j + 2] * d2, s3 = w[j + 3] * d3;
        if (tw) { s0 = tw[j] - s0; s1 = tw[j + 1] - s1; s2 = tw[j + 2] - s2; s3 = tw[j + 3] - s3; }
        als_v16 c0 = als_splat16(s0), c1 = als_splat16(s1), c2 = als_splat16(s2), c3 = als_splat16(s3);
        for (i = 0; i + 16 <= k; i += 16)
            als_store16(out + i, als_load16(out + i) + c0 * als_load16(y0 + i) + c1 * als_load16(y1 + i)
                                     + c2 * als_load16(y2 + i) + c3 * als_load16(y3 + i));
        for (; i < k; i++) out[i] += s0 * y0[i] + s1 * y1[i] + s2 * y2[i] + s3 * y3[i];
    }
    for (; j < n; j++) {
        const float *y = ROW(j);
        float s = w[j] * als_dot(k, y, v);
        if (tw) s = tw[j] - s;
        als_axpy(k, s, y, out);
    }
}

// The same product over a row gathered in two layouts, 16 entries per block: `rows` (block of
// 16 rows of k floats, zero-padded) and `cols` (its transpose, k × 16). The 16 dot products of a
// block are k whole-vector multiply-adds over `cols`, s += v_i · cols[i][0:16], and the update is
// k/16 × 16 over `rows`; no horizontal sums at all. w and tw are zero-padded to whole blocks.
ALS_INLINE void sparse_product_gathered(int32_t k, int64_t blocks, const float *rows, const float *cols,
                                        const float *w, const float *tw, const float *v, float *out) {
    for (int64_t bk = 0; bk < blocks; bk++) {
        const float *R = rows + bk * 16 * k, *C = cols + bk * 16 * k;
        als_v16 s = als_splat16(0), s2 = s;
        int32_t i = 0;
        for (; i + 2 <= k; i += 2) {
            s += als_splat16(v[i]) * als_load16(C + (int64_t)i * 16);
            s2 += als_splat16(v[i + 1]) * als_load16(C + (int64_t)(i + 1) * 16);
        }
        for (; i < k; i++) s += als_splat16(v[i]) * als_load16(C + (int64_t)i * 16);
        s = (s + s2) * als_load16(w + bk * 16);
        if (tw) s = als_load16(tw + bk * 16) - s;
        float sc[16];
        als_store16(sc, s);
        int32_t c = 0;
        for (; c + 16 <= k; c += 16) {
            als_v16 acc = als_load16(out + c);
            for (int e = 0; e < 16; e++) acc += als_splat16(sc[e]) * als_load16(R + (int64_t)e * k + c);
            als_store16(out + c, acc);
        }
        for (; c < k; c++) {
            float acc = out[c];
            for (int e = 0; e < 16; e++) acc += sc[e] * R[(int64_t)e * k + c];
            out[c] = acc;
        }
    }
}

ALS_DISPATCH
als_status_t als_cg_product(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                            int64_t n, const int32_t *idx, const float *d, const float *Y,
                            int64_t ldy, const float *v, float *out) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    gram_product(k, G, gscale, reg, regScale, v, out);
    sparse_product(k, n, idx, d, NULL, Y, ldy, v, out);
    return ALS_OK;
}

ALS_DISPATCH
static als_status_t cg_solve(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                             int64_t n, const int32_t *idx, const float *d, const float *t,
                             const float *Y, int64_t ldy, int32_t steps, float *x, float *scratch) {
    float *r = scratch, *p = scratch + k, *Ap = scratch + 2 * (int64_t)k;
    float *rows = scratch + 3 * (int64_t)k, *cols = rows + ALS_CG_GATHER_FLOATS;
    const int64_t capacity = gather_capacity(k);
    float *wpad = cols + ALS_CG_GATHER_FLOATS, *tpad = wpad + capacity;
    const int64_t blocks = (n + 15) / 16;
    // Short rows are read in place: padding them to whole blocks would cost more than it saves.
    const int gathered = n >= ALS_CG_GATHER_MIN_ENTRIES && blocks * 16 <= capacity;
    if (gathered) {
        for (int64_t j = 0; j < blocks * 16; j++) {
            float *row = rows + j * k;
            float *col = cols + (j / 16) * 16 * k + (j % 16);
            if (j < n) {
                const float *y = Y + (int64_t)idx[j] * ldy;
                memcpy(row, y, sizeof(float) * (size_t)k);
                for (int32_t i = 0; i < k; i++) col[(int64_t)i * 16] = y[i];
                wpad[j] = d[j];
                tpad[j] = t[j];
            } else {
                memset(row, 0, sizeof(float) * (size_t)k);
                for (int32_t i = 0; i < k; i++) col[(int64_t)i * 16] = 0;
                wpad[j] = 0;
                tpad[j] = 0;
            }
        }
    }
#define SPARSE(tw_, v_, out_) \
    (gathered ? sparse_product_gathered(k, blocks, rows, cols, wpad, (tw_) ? tpad : NULL, v_, out_) \
              : sparse_product(k, n, idx, d, (tw_) ? t : NULL, Y, ldy, v_, out_))
    // r = b − A x = Σ_j (t_j − d_j y_jᵀx) y_j − gscale·G x − regScale·reg∘x, in one sparse pass.
    gram_product(k, G, gscale, reg, regScale, x, r);
    for (int32_t i = 0; i < k; i++) r[i] = -r[i];
    SPARSE(1, x, r);
    memcpy(p, r, sizeof(float) * (size_t)k);
    float rsold = als_dot(k, r, r);
    for (int32_t it = 0; it < steps; it++) {
        if (rsold < 1e-20f) break;
        gram_product(k, G, gscale, reg, regScale, p, Ap);
        SPARSE(0, p, Ap);
        float pAp = als_dot(k, p, Ap);
        if (!(pAp > 0)) return isfinite(pAp) ? ALS_NOT_POSITIVE_DEFINITE : ALS_NON_FINITE;
        float alpha = rsold / pAp;
        als_axpy(k, alpha, p, x);
        als_axpy(k, -alpha, Ap, r);
        float rsnew = als_dot(k, r, r);
        float beta = rsnew / rsold;
        for (int32_t i = 0; i < k; i++) p[i] = r[i] + beta * p[i];
        rsold = rsnew;
    }
#undef SPARSE
    for (int32_t i = 0; i < k; i++) if (!isfinite(x[i])) return ALS_NON_FINITE;
    return ALS_OK;
}

als_status_t als_solve_cg_row(int32_t k, const float *G, float gscale, const float *reg, float regScale,
                              int64_t n, const int32_t *idx, const float *d, const float *t,
                              const float *Y, int64_t ldy, int32_t steps, float *x, float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || steps < 0) return ALS_INVALID_ARGUMENT;
    return cg_solve(k, G, gscale, reg, regScale, n, idx, d, t, Y, ldy, steps, x, scratch);
}
