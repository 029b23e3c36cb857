// Conjugate gradient for one row without forming A (as implicit's least_squares_cg):
//
//   A·v = gscale·G·v + Σ_j d_j (y_jᵀv) y_j + regScale·reg∘v,     b = Σ_j t_j y_j
//
// warm-started from the previous factors, so a few steps per iteration suffice (default 3).
//
// Speed: the sparse part is the cost. A row's y_j are gathered once into contiguous scratch
// (when they fit, ALS_CG_GATHER_FLOATS), so the 1 + steps sparse products re-read them from
// cache instead of from scattered rows of a factor matrix that may not fit in cache, sixteen
// entries at a time with one reduction tree for their sixteen dots (sparse_product_gathered).
// Rows too short or too long to gather are read in place, four entries at a time.
#include <math.h>
#include "als_simd.h"

// Rows shorter than this are read in place (see cg_solve).
#define ALS_CG_GATHER_MIN_ENTRIES 16

// Entries a row may have to be gathered: whole 16-entry blocks of k floats within the budget.
static inline int64_t gather_capacity(int32_t k) { return (ALS_CG_GATHER_FLOATS / k) / 16 * 16; }

int64_t als_cg_scratch_floats(int32_t k) {
    // r, p, Ap; the gathered rows; the padded d and t.
    return 3 * (int64_t)k + (int64_t)ALS_CG_GATHER_FLOATS + 2 * gather_capacity(k);
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
        if (j + ALS_PREFETCH_AHEAD + 4 <= n)
            for (int e = 0; e < 4; e++) als_prefetch_row(ROW(j + ALS_PREFETCH_AHEAD + e), k);
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

// Sixteen partial-sum vectors a0…a15 reduced to one vector whose lane e is Σ lanes of a_e:
// a transpose-and-add tree (16 → 8 → 4 → 2 → 1 partials per row), 15 shuffle pairs in all,
// instead of sixteen separate horizontal sums.
#define ALS_RED_8(a, b) (__builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + \
                         __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
#define ALS_RED_4(a, b) (__builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + \
                         __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31))
#define ALS_RED_2(a, b) (__builtin_shufflevector(a, b, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) + \
                         __builtin_shufflevector(a, b, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31))
#define ALS_RED_1(a, b) (__builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) + \
                         __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31))

// AVX2 + FMA without AVX-512: the sixteen 16-float accumulators below are 32 ymm registers,
// twice the AVX2 register file, and that clone spills them. Here the 16 dots of a block are two
// groups of 8 rows, each in eight 8-float accumulators (ten registers with v and a load),
// reduced by the 8-lane form of the same tree. dots[e] = R[e]·v over all k.
#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
#define ALS_R8_4(a, b) (__builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11) + __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15))
#define ALS_R8_2(a, b) (__builtin_shufflevector(a, b, 0, 1, 4, 5, 8, 9, 12, 13) + __builtin_shufflevector(a, b, 2, 3, 6, 7, 10, 11, 14, 15))
#define ALS_R8_1(a, b) (__builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14) + __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15))
__attribute__((target("avx2,fma")))
static void block_dots_avx2(int32_t k, const float *R, const float *v, float *dots) {
    for (int g = 0; g < 16; g += 8) {
        const float *G = R + (int64_t)g * k;
        als_v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
        int32_t i = 0;
        for (; i + 8 <= k; i += 8) {
            const als_v8 vv = als_load8(v + i);
            const float *r = G + i;
            a0 += als_load8(r) * vv;         a1 += als_load8(r + k) * vv;
            a2 += als_load8(r + 2 * k) * vv; a3 += als_load8(r + 3 * k) * vv;
            a4 += als_load8(r + 4 * k) * vv; a5 += als_load8(r + 5 * k) * vv;
            a6 += als_load8(r + 6 * k) * vv; a7 += als_load8(r + 7 * k) * vv;
        }
        als_v8 s = ALS_R8_1(ALS_R8_2(ALS_R8_4(a0, a1), ALS_R8_4(a2, a3)), ALS_R8_2(ALS_R8_4(a4, a5), ALS_R8_4(a6, a7)));
        for (; i < k; i++)
            for (int e = 0; e < 8; e++) s[e] += G[(int64_t)e * k + i] * v[i];
        als_store8(dots + g, s);
    }
}
#define ALS_HAS_AVX2_DOTS 1
#endif

// The same product over a row gathered contiguously (16 × k per block, zero-padded to whole
// blocks; w and tw zero-padded too). The 16 dots of a block accumulate in 16 vectors and are
// reduced by the tree above (by `block_dots_avx2` when `avx2`); the update then streams the
// block once: out += Σ_e s_e·row_e.
ALS_INLINE void sparse_product_gathered(int32_t k, int64_t blocks, const float *rows, const float *w,
                                        const float *tw, const float *v, float *out, int avx2) {
    for (int64_t bk = 0; bk < blocks; bk++) {
        const float *R = rows + bk * 16 * k;
        als_v16 s;
#ifdef ALS_HAS_AVX2_DOTS
        if (avx2) {
            float dots[16];
            block_dots_avx2(k, R, v, dots);
            s = als_load16(dots);
        } else
#endif
        {
        als_v16 a0 = als_splat16(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        als_v16 a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        int32_t i = 0;
        for (; i + 16 <= k; i += 16) {
            als_v16 vv = als_load16(v + i);
            const float *r = R + i;
            a0 += als_load16(r) * vv;           a1 += als_load16(r + k) * vv;
            a2 += als_load16(r + 2 * k) * vv;   a3 += als_load16(r + 3 * k) * vv;
            a4 += als_load16(r + 4 * k) * vv;   a5 += als_load16(r + 5 * k) * vv;
            a6 += als_load16(r + 6 * k) * vv;   a7 += als_load16(r + 7 * k) * vv;
            a8 += als_load16(r + 8 * k) * vv;   a9 += als_load16(r + 9 * k) * vv;
            a10 += als_load16(r + 10 * k) * vv; a11 += als_load16(r + 11 * k) * vv;
            a12 += als_load16(r + 12 * k) * vv; a13 += als_load16(r + 13 * k) * vv;
            a14 += als_load16(r + 14 * k) * vv; a15 += als_load16(r + 15 * k) * vv;
        }
        s = ALS_RED_1(ALS_RED_2(ALS_RED_4(ALS_RED_8(a0, a1), ALS_RED_8(a2, a3)),
                                ALS_RED_4(ALS_RED_8(a4, a5), ALS_RED_8(a6, a7))),
                      ALS_RED_2(ALS_RED_4(ALS_RED_8(a8, a9), ALS_RED_8(a10, a11)),
                                ALS_RED_4(ALS_RED_8(a12, a13), ALS_RED_8(a14, a15))));
        for (; i < k; i++)
            for (int e = 0; e < 16; e++) s[e] += R[(int64_t)e * k + i] * v[i];
        }
        s = s * als_load16(w + bk * 16);
        if (tw) s = als_load16(tw + bk * 16) - s;
        float sc[16];
        als_store16(sc, s);
        int32_t c = 0;
        // Four 16-column chunks at a time: four independent chains of sixteen multiply-adds
        // each, where one chunk alone is one chain that waits out every add's latency.
        for (; c + 64 <= k; c += 64) {
            als_v16 c0 = als_load16(out + c), c1 = als_load16(out + c + 16);
            als_v16 c2 = als_load16(out + c + 32), c3 = als_load16(out + c + 48);
            for (int e = 0; e < 16; e++) {
                const float *re = R + (int64_t)e * k + c;
                const als_v16 se = als_splat16(sc[e]);
                c0 += se * als_load16(re);
                c1 += se * als_load16(re + 16);
                c2 += se * als_load16(re + 32);
                c3 += se * als_load16(re + 48);
            }
            als_store16(out + c, c0);
            als_store16(out + c + 16, c1);
            als_store16(out + c + 32, c2);
            als_store16(out + c + 48, c3);
        }
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
                             const float *Y, int64_t ldy, int32_t steps, float *x, float *scratch, int avx2) {
    float *r = scratch, *p = scratch + k, *Ap = scratch + 2 * (int64_t)k;
    float *rows = scratch + 3 * (int64_t)k;
    const int64_t capacity = gather_capacity(k);
    float *wpad = rows + ALS_CG_GATHER_FLOATS, *tpad = wpad + capacity;
    const int64_t blocks = (n + 15) / 16;
    // Short rows are read in place: padding them to whole blocks would cost more than it saves.
    const int gathered = n >= ALS_CG_GATHER_MIN_ENTRIES && blocks * 16 <= capacity;
    if (gathered) {
        for (int64_t j = 0; j < n; j++) {
            if (j + ALS_PREFETCH_AHEAD < n) als_prefetch_row(Y + (int64_t)idx[j + ALS_PREFETCH_AHEAD] * ldy, k);
            memcpy(rows + j * k, Y + (int64_t)idx[j] * ldy, sizeof(float) * (size_t)k);
            wpad[j] = d[j];
            tpad[j] = t[j];
        }
        const int64_t padded = blocks * 16;
        memset(rows + n * k, 0, sizeof(float) * (size_t)((padded - n) * k));
        for (int64_t j = n; j < padded; j++) wpad[j] = tpad[j] = 0;
    }
#define SPARSE(tw_, v_, out_) \
    (gathered ? sparse_product_gathered(k, blocks, rows, wpad, (tw_) ? tpad : NULL, v_, out_, avx2) \
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
#ifdef ALS_HAS_AVX2_DOTS
    // The 8-float dots where AVX2 is the widest vector (asked per row: a load and a test).
    const int avx2 = als_cpu_avx2_widest();
#else
    const int avx2 = 0;
#endif
    return cg_solve(k, G, gscale, reg, regScale, n, idx, d, t, Y, ldy, steps, x, scratch, avx2);
}

// MARK: - CG for a batch of rows (the caller forms G·x and G·p for the whole batch with sgemm)
//
// The same iteration as cg_solve, split where the Gram product falls, so that a block of rows
// shares one matrix-matrix product per step (G streamed once per block instead of once per
// row: at k = 1,024 the Gram is 4 MiB and its product is most of a step's work). Rows are
// read in place (no gather: a block's rows would need a gather buffer each).

ALS_DISPATCH
als_status_t als_cg_batch_start(int32_t k, float gscale, const float *reg, float regScale, int64_t n,
                                const int32_t *idx, const float *d, const float *t, const float *Y, int64_t ldy,
                                const float *gx, const float *x, float *r, float *p, float *rs) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    // r = b − A x = Σ_j (t_j − d_j y_jᵀx) y_j − gscale·G x − regScale·reg∘x.
    for (int32_t i = 0; i < k; i++) r[i] = -(gscale * gx[i] + regScale * reg[i] * x[i]);
    sparse_product(k, n, idx, d, t, Y, ldy, x, r);
    memcpy(p, r, sizeof(float) * (size_t)k);
    *rs = als_dot(k, r, r);
    return ALS_OK;
}

ALS_DISPATCH
als_status_t als_cg_batch_step(int32_t k, float gscale, const float *reg, float regScale, int64_t n,
                               const int32_t *idx, const float *d, const float *Y, int64_t ldy, const float *gp,
                               float *p, float *x, float *r, float *rs, float *Ap) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    const float rsold = *rs;
    if (rsold < 1e-20f) return ALS_OK; // converged: als_solve_cg_row stops here too
    for (int32_t i = 0; i < k; i++) Ap[i] = gscale * gp[i] + regScale * reg[i] * p[i];
    sparse_product(k, n, idx, d, NULL, Y, ldy, p, Ap);
    const float pAp = als_dot(k, p, Ap);
    if (!(pAp > 0)) return isfinite(pAp) ? ALS_NOT_POSITIVE_DEFINITE : ALS_NON_FINITE;
    const float alpha = rsold / pAp;
    als_axpy(k, alpha, p, x);
    als_axpy(k, -alpha, Ap, r);
    const float rsnew = als_dot(k, r, r);
    const float beta = rsnew / rsold;
    for (int32_t i = 0; i < k; i++) p[i] = r[i] + beta * p[i];
    *rs = rsnew;
    for (int32_t i = 0; i < k; i++) if (!isfinite(x[i])) return ALS_NON_FINITE;
    return ALS_OK;
}
