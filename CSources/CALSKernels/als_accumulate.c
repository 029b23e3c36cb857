// als_accumulate: rank-n update of the normal equations of one row.
//
//   A += Σ_j d_j · y_j y_jᵀ   (upper triangle),      b += Σ_j t_j · y_j
//
// The entries are taken in blocks of ALS_ACCUMULATE_BLOCK. For each block the scaled rows
// s_j = d_j·y_j are gathered into scratch (contiguous), then A's upper triangle is updated tile
// by tile: a 4-row × 32-column tile of A lives in eight 16-float accumulators while the block's
// entries stream through, A[i][c] += Σ_j s_j[i] · y_j[c]. That is 8 vector FMAs per 2 vector
// loads and 4 broadcasts, instead of one load and one store of A per FMA in a rank-1 update.
#include "als_simd.h"

// One block of scaled rows, plus NARROW_PAD floats that the narrow path's vector loads may read
// past the block's last row (zeroed by `gather_scaled`).
#define NARROW_PAD 32

int64_t als_accumulate_scratch_floats(int32_t k) { return (int64_t)ALS_ACCUMULATE_BLOCK * k + NARROW_PAD; }

#define TILE_ROWS 4
#define TILE_COLS 32

// Columns past the last full 32-column tile (k not a multiple of 32) of rows i0 … i0 + rows − 1:
// A[i][c] += Σ_j s_j[i] · y_j[c] for c ≥ max(i, kFullCols), scalar.
ALS_INLINE void column_tail(int32_t k, int64_t nb, const int32_t *idx, const float *S, const float *Y,
                            int64_t ldy, float *A, int32_t lda, int32_t i0, int32_t rows, int32_t kFullCols) {
    for (int32_t r = 0; r < rows; r++) {
        int32_t i = i0 + r;
        int32_t cStart = i > kFullCols ? i : kFullCols;
        for (int32_t c = cStart; c < k; c++) {
            float acc = 0;
            for (int64_t j = 0; j < nb; j++) acc += S[j * k + i] * Y[(int64_t)idx[j] * ldy + c];
            A[(int64_t)i * lda + c] += acc;
        }
    }
}

// Rows i0Start… of A (those before it are done by the caller).
ALS_DISPATCH
static void accumulate_block(int32_t k, int64_t nb, const int32_t *idx, const float *S,
                             const float *Y, int64_t ldy, float *A, int32_t lda, int32_t i0Start) {
    const int32_t kFullCols = k - k % TILE_COLS;
    int32_t i0 = i0Start;
    for (; i0 + TILE_ROWS <= k; i0 += TILE_ROWS) {
        // Tiles start at the 32-column boundary at or below the diagonal.
        int32_t c0 = i0 - i0 % TILE_COLS;
        for (; c0 < kFullCols; c0 += TILE_COLS) {
            als_v16 a00 = als_splat16(0), a01 = a00, a10 = a00, a11 = a00;
            als_v16 a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int64_t j = 0; j < nb; j++) {
                const float *y = Y + (int64_t)idx[j] * ldy + c0;
                const float *s = S + j * k + i0;
                als_v16 y0 = als_load16(y), y1 = als_load16(y + 16);
                als_v16 s0 = als_splat16(s[0]), s1 = als_splat16(s[1]);
                als_v16 s2 = als_splat16(s[2]), s3 = als_splat16(s[3]);
                a00 += s0 * y0; a01 += s0 * y1;
                a10 += s1 * y0; a11 += s1 * y1;
                a20 += s2 * y0; a21 += s2 * y1;
                a30 += s3 * y0; a31 += s3 * y1;
            }
            float *r0 = A + (int64_t)(i0 + 0) * lda + c0, *r1 = A + (int64_t)(i0 + 1) * lda + c0;
            float *r2 = A + (int64_t)(i0 + 2) * lda + c0, *r3 = A + (int64_t)(i0 + 3) * lda + c0;
            als_store16(r0, als_load16(r0) + a00); als_store16(r0 + 16, als_load16(r0 + 16) + a01);
            als_store16(r1, als_load16(r1) + a10); als_store16(r1 + 16, als_load16(r1 + 16) + a11);
            als_store16(r2, als_load16(r2) + a20); als_store16(r2 + 16, als_load16(r2 + 16) + a21);
            als_store16(r3, als_load16(r3) + a30); als_store16(r3 + 16, als_load16(r3 + 16) + a31);
        }
        column_tail(k, nb, idx, S, Y, ldy, A, lda, i0, TILE_ROWS, kFullCols);
    }
    // Rows past the last full row tile (k not a multiple of 4): one row at a time.
    for (; i0 < k; i0++) {
        for (int64_t j = 0; j < nb; j++) {
            const float *y = Y + (int64_t)idx[j] * ldy;
            float s = S[j * k + i0];
            float *row = A + (int64_t)i0 * lda;
            for (int32_t c = i0; c < k; c++) row[c] += s * y[c];
        }
    }
}

#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
// AVX-512 only: 8-row × 32-column tiles, sixteen 16-float accumulators. With two FMA pipes of
// four cycles' latency, eight independent accumulators (the 4-row tile) keep one pipe busy;
// sixteen keep both. Under AVX2 a 16-float vector is two registers and sixteen of them would
// spill, so it is only called where AVX-512 is present (and its ifunc then picks the v4 clone;
// the other clones exist only because target_clones makes them). Returns the first row it did
// not do.
#define WIDE_ROWS 8
ALS_DISPATCH
static int32_t accumulate_block_wide(int32_t k, int64_t nb, const int32_t *idx, const float *S,
                                     const float *Y, int64_t ldy, float *A, int32_t lda) {
    const int32_t kFullCols = k - k % TILE_COLS;
    int32_t i0 = 0;
    for (; i0 + WIDE_ROWS <= k; i0 += WIDE_ROWS) {
        int32_t c0 = i0 - i0 % TILE_COLS;
        for (; c0 < kFullCols; c0 += TILE_COLS) {
            als_v16 a[WIDE_ROWS][2];
            for (int r = 0; r < WIDE_ROWS; r++) a[r][0] = a[r][1] = als_splat16(0);
            for (int64_t j = 0; j < nb; j++) {
                const float *y = Y + (int64_t)idx[j] * ldy + c0;
                const float *s = S + j * k + i0;
                const als_v16 y0 = als_load16(y), y1 = als_load16(y + 16);
                for (int r = 0; r < WIDE_ROWS; r++) {
                    const als_v16 sr = als_splat16(s[r]);
                    a[r][0] += sr * y0;
                    a[r][1] += sr * y1;
                }
            }
            for (int r = 0; r < WIDE_ROWS; r++) {
                float *row = A + (int64_t)(i0 + r) * lda + c0;
                als_store16(row, als_load16(row) + a[r][0]);
                als_store16(row + 16, als_load16(row + 16) + a[r][1]);
            }
        }
        column_tail(k, nb, idx, S, Y, ldy, A, lda, i0, WIDE_ROWS, kFullCols);
    }
    return i0;
}
#define ALS_HAS_WIDE 1
#endif

// AVX2 + FMA without AVX-512 (Zen, pre-Skylake-X Intel): the 4 × 32 tile of `accumulate_block`
// is eight 16-float accumulators, sixteen ymm registers, all the AVX2 register file, and its
// clone spills an accumulator to the stack every few multiply-adds. Here a tile is R rows × 16
// columns in 8-float vectors: 2R accumulators, two loads of y_j and R broadcasts of s_j per 2R
// FMAs. R = 6 (twelve accumulators, fifteen registers) keeps both FMA pipes busy with room for
// their latency; 4, 2 and 1 finish the rows k leaves. A row strip starts at the 8-column boundary
// at or below the diagonal (an 8-column tile when that is not a 16-column one); columns past the
// last multiple of 16 go through `column_tail`.
#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
#define AVX2_COLS 16
// One tile: rows i0 … i0 + R − 1, columns c0 … c0 + 8·V − 1 (R and V constants at every call,
// so the loops over r and v unroll and the accumulators stay in registers).
ALS_INLINE void avx2_tile(const int R, const int V, int32_t k, int64_t nb, const int32_t *idx, const float *S,
                          const float *Y, int64_t ldy, float *A, int32_t lda, int32_t i0, int32_t c0) {
    als_v8 a[6][2];
    for (int r = 0; r < R; r++) for (int v = 0; v < V; v++) a[r][v] = (als_v8){0};
    for (int64_t j = 0; j < nb; j++) {
        const float *y = Y + (int64_t)idx[j] * ldy + c0;
        const float *s = S + j * k + i0;
        als_v8 yv[2];
        for (int v = 0; v < V; v++) yv[v] = als_load8(y + 8 * v);
        for (int r = 0; r < R; r++) {
            // A vector literal, not 0 + s: that add (kept for s = −0) costs an instruction.
            const float e = s[r];
            const als_v8 sr = {e, e, e, e, e, e, e, e};
            for (int v = 0; v < V; v++) a[r][v] += sr * yv[v];
        }
    }
    for (int r = 0; r < R; r++) {
        float *row = A + (int64_t)(i0 + r) * lda + c0;
        for (int v = 0; v < V; v++) als_store8(row + 8 * v, als_load8(row + 8 * v) + a[r][v]);
    }
}

// Rows i0 … i0 + R − 1 (R a constant at every call).
ALS_INLINE void avx2_rows(const int R, int32_t k, int64_t nb, const int32_t *idx, const float *S,
                          const float *Y, int64_t ldy, float *A, int32_t lda, int32_t i0) {
    const int32_t kFullCols = k - k % AVX2_COLS;
    int32_t c0 = i0 - i0 % 8;
    if (c0 % AVX2_COLS == 8 && c0 + 8 <= kFullCols) {
        // An 8-column tile up to the next 16-column boundary: a 16-column one starting at the
        // boundary below would spend half its lanes left of the diagonal (k = 128: 8,944
        // multiply-adds per entry for the 8,256 needed, against 9,440 without it).
        avx2_tile(R, 1, k, nb, idx, S, Y, ldy, A, lda, i0, c0);
        c0 += 8;
    } else {
        c0 = i0 - i0 % AVX2_COLS;
    }
    for (; c0 < kFullCols; c0 += AVX2_COLS) avx2_tile(R, 2, k, nb, idx, S, Y, ldy, A, lda, i0, c0);
    column_tail(k, nb, idx, S, Y, ldy, A, lda, i0, R, kFullCols);
}

__attribute__((target("avx2,fma")))
static void accumulate_block_avx2(int32_t k, int64_t nb, const int32_t *idx, const float *S,
                                  const float *Y, int64_t ldy, float *A, int32_t lda) {
    int32_t i0 = 0;
    for (; i0 + 6 <= k; i0 += 6) avx2_rows(6, k, nb, idx, S, Y, ldy, A, lda, i0);
    if (i0 + 4 <= k) { avx2_rows(4, k, nb, idx, S, Y, ldy, A, lda, i0); i0 += 4; }
    if (i0 + 2 <= k) { avx2_rows(2, k, nb, idx, S, Y, ldy, A, lda, i0); i0 += 2; }
    if (i0 < k) avx2_rows(1, k, nb, idx, S, Y, ldy, A, lda, i0);
}
#define ALS_HAS_AVX2 1
#endif

// Narrow rows (k < 32, as in small explicit models, whose k is the factors plus one or two bias
// columns): the 4 × 32 tiles above do not apply, so
//
//   A[i][·] += Σ_j y_j[i] · s_j[·]      (A symmetric: the same sum with the two roles swapped)
//
// with row i of A in one or two 16-float accumulators, y_j[i] broadcast, and s_j read 16 floats
// at a time from the contiguous scratch. Lanes ≥ k read the next scaled row (or the zeroed pad
// after the last) and are dropped when A is written back.
ALS_INLINE void narrow_fixed(const int32_t k, int64_t nb, const int32_t *idx, const float *S,
                         const float *Y, int64_t ldy, float *A, int32_t lda) {
    als_v16 lo[31], hi[31];
    for (int32_t i = 0; i < k; i++) lo[i] = hi[i] = als_splat16(0);
    if (k <= 16) {
        for (int64_t j = 0; j < nb; j++) {
            const float *y = Y + (int64_t)idx[j] * ldy;
            const als_v16 s0 = als_load16(S + j * k);
            for (int32_t i = 0; i < k; i++) lo[i] += als_splat16(y[i]) * s0;
        }
    } else {
        for (int64_t j = 0; j < nb; j++) {
            const float *y = Y + (int64_t)idx[j] * ldy;
            const als_v16 s0 = als_load16(S + j * k), s1 = als_load16(S + j * k + 16);
            for (int32_t i = 0; i < k; i++) {
                const als_v16 yi = als_splat16(y[i]);
                lo[i] += yi * s0;
                hi[i] += yi * s1;
            }
        }
    }
    for (int32_t i = 0; i < k; i++) {
        float *row = A + (int64_t)i * lda;
        for (int32_t c = i; c < k && c < 16; c++) row[c] += lo[i][c];
        for (int32_t c = i > 16 ? i : 16; c < k; c++) row[c] += hi[i][c - 16];
    }
}

// The narrow path instantiated for each k < 32, so that its loops over k unroll and the
// accumulators stay in registers (with a run-time k they live on the stack: a load and a store
// per multiply-add).
ALS_DISPATCH
static void accumulate_narrow(int32_t k, int64_t nb, const int32_t *idx, const float *S,
                              const float *Y, int64_t ldy, float *A, int32_t lda) {
    switch (k) {
#define ALS_NARROW_CASE(K) case K: narrow_fixed(K, nb, idx, S, Y, ldy, A, lda); return;
    ALS_NARROW_CASE(1) ALS_NARROW_CASE(2) ALS_NARROW_CASE(3) ALS_NARROW_CASE(4)
    ALS_NARROW_CASE(5) ALS_NARROW_CASE(6) ALS_NARROW_CASE(7) ALS_NARROW_CASE(8)
    ALS_NARROW_CASE(9) ALS_NARROW_CASE(10) ALS_NARROW_CASE(11) ALS_NARROW_CASE(12)
    ALS_NARROW_CASE(13) ALS_NARROW_CASE(14) ALS_NARROW_CASE(15) ALS_NARROW_CASE(16)
    ALS_NARROW_CASE(17) ALS_NARROW_CASE(18) ALS_NARROW_CASE(19) ALS_NARROW_CASE(20)
    ALS_NARROW_CASE(21) ALS_NARROW_CASE(22) ALS_NARROW_CASE(23) ALS_NARROW_CASE(24)
    ALS_NARROW_CASE(25) ALS_NARROW_CASE(26) ALS_NARROW_CASE(27) ALS_NARROW_CASE(28)
    ALS_NARROW_CASE(29) ALS_NARROW_CASE(30) ALS_NARROW_CASE(31)
#undef ALS_NARROW_CASE
    default: narrow_fixed(k, nb, idx, S, Y, ldy, A, lda);
    }
}

ALS_DISPATCH
static void gather_scaled(int32_t k, int64_t nb, const int32_t *idx, const float *d, const float *t,
                          const float *Y, int64_t ldy, float *S, float *b) {
    for (int64_t j = 0; j < nb; j++) {
        if (j + ALS_PREFETCH_AHEAD < nb) als_prefetch_row(Y + (int64_t)idx[j + ALS_PREFETCH_AHEAD] * ldy, k);
        const float *y = Y + (int64_t)idx[j] * ldy;
        float *s = S + j * k;
        const float dj = d[j];
        for (int32_t c = 0; c < k; c++) s[c] = dj * y[c];
        if (b) als_axpy(k, t[j], y, b);
    }
    for (int32_t c = 0; c < NARROW_PAD; c++) S[nb * k + c] = 0;
}

als_status_t als_accumulate(int32_t k, int64_t n, const int32_t *idx, const float *d, const float *t,
                            const float *Y, int64_t ldy, float *A, int32_t lda, float *b,
                            float *scratch) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k || lda < k) return ALS_INVALID_ARGUMENT;
#ifdef ALS_HAS_WIDE
    // The 8-row tiles need AVX-512, the 16-column ones AVX2 and FMA (asked once per call, not
    // once per block).
    const int wide = k >= 32 && als_cpu_avx512();
    const int avx2 = k >= 32 && als_cpu_avx2_widest();
#endif
    for (int64_t j0 = 0; j0 < n; j0 += ALS_ACCUMULATE_BLOCK) {
        int64_t nb = n - j0 < ALS_ACCUMULATE_BLOCK ? n - j0 : ALS_ACCUMULATE_BLOCK;
        gather_scaled(k, nb, idx + j0, d + j0, t + j0, Y, ldy, scratch, b);
        if (k < 32) {
            accumulate_narrow(k, nb, idx + j0, scratch, Y, ldy, A, lda);
        } else {
            int32_t done = 0;
#ifdef ALS_HAS_WIDE
            if (wide) done = accumulate_block_wide(k, nb, idx + j0, scratch, Y, ldy, A, lda);
#endif
#ifdef ALS_HAS_AVX2
            if (avx2) { accumulate_block_avx2(k, nb, idx + j0, scratch, Y, ldy, A, lda); continue; }
#endif
            accumulate_block(k, nb, idx + j0, scratch, Y, ldy, A, lda, done);
        }
    }
    return ALS_OK;
}
