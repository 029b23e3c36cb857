// Quantised pre-selection scores for single-user recommend (see _QuantizedFactors.swift).
//
// Math. For every item row i of the Int8 matrix Y (rows × stride, zero-padded past k) and the
// Int16 query q (stride values):
//   out[i] = (float)(Σ_f q[f] · Y[i][f]) · factor,
// the dot product exact in Int32: the caller chose the quantisation so that
// stride · max|q| · max|Y| < 2³¹, which bounds every partial sum too. So the result does not
// depend on the order of the sum, and every path below gives bit for bit what the Swift
// reference (`_QuantizedFactors.referenceScores`) gives: one int-to-float conversion and one
// multiply per row.
//
// Speed. Scoring reads the whole matrix once per query: 1.7 MB of Int8 at the ML-20M shape
// (26,744 items, k = 64), half the Int16 bytes and beyond L2 on most machines. Left to the
// compiler, the per-row loop ends every row with a horizontal sum and runs at half the speed of
// the loads (86 µs against 55 µs per query on a Zen 3 core). So this is the one kernel written
// with intrinsics: eight rows at a time, each widened from Int8 to Int16 (`vpmovsxbw`),
// multiplied and pair-added into Int32 (`vpmaddwd`), and the eight row sums reduced together by
// a transposing `vphaddd` tree into one vector of eight scores. The AVX2 body is chosen at run
// time (`__builtin_cpu_supports`), as the `target_clones` kernels are; other CPUs and the
// sanitizer builds (see als_simd.h) run the portable loop.
#include "als_simd.h"

#if defined(__x86_64__) && !defined(ALS_NO_CLONES)
#include <immintrin.h>
#define ALS_SCORES_AVX2 1

#define ALS_AVX2 static inline __attribute__((target("avx2"), always_inline))

// The eight Int32 row sums in r[0..7] (each spread over eight lanes), in one vector.
ALS_AVX2 __m256i scores_reduce8(const __m256i *r) {
    __m256i a = _mm256_hadd_epi32(r[0], r[1]), b = _mm256_hadd_epi32(r[2], r[3]);
    __m256i c = _mm256_hadd_epi32(r[4], r[5]), d = _mm256_hadd_epi32(r[6], r[7]);
    __m256i e = _mm256_hadd_epi32(a, b), g = _mm256_hadd_epi32(c, d);
    // e holds rows 0–3 in its low and high 128-bit halves, g rows 4–7: add the halves.
    return _mm256_add_epi32(_mm256_permute2x128_si256(e, g, 0x20), _mm256_permute2x128_si256(e, g, 0x31));
}

// Σ over 16-value chunks c < chunks of madd(q_c, widen(y_c)) for one row.
ALS_AVX2 __m256i scores_row(const int8_t *y, const int16_t *q, int64_t chunks) {
    __m256i s = _mm256_setzero_si256();
    for (int64_t c = 0; c < chunks; c++) {
        __m256i yc = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(y + 16 * c)));
        s = _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(q + 16 * c)), yc));
    }
    return s;
}

// The whole blocks of eight rows; returns the first row left over. Inlined, so that a constant
// `chunks` unrolls the row loop and keeps the query in registers.
ALS_AVX2 int64_t scores_blocks(int64_t rows, int64_t stride, int64_t chunks, const int8_t *restrict Y,
                               const int16_t *restrict q, __m256 vf, float *restrict out) {
    int64_t i = 0;
    for (; i + 8 <= rows; i += 8) {
        __m256i r[8];
        for (int j = 0; j < 8; j++) r[j] = scores_row(Y + (i + j) * stride, q, chunks);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(scores_reduce8(r)), vf));
    }
    return i;
}

__attribute__((target("avx2")))
static void scores_avx2(int64_t rows, int64_t stride, const int8_t *restrict Y, const int16_t *restrict q,
                        float factor, float *restrict out) {
    const __m256 vf = _mm256_set1_ps(factor);
    // k ≤ 64, the common serving width, gets its own copy with four chunks known.
    int64_t i = stride == 64 ? scores_blocks(rows, 64, 4, Y, q, vf, out)
                             : scores_blocks(rows, stride, stride / 16, Y, q, vf, out);
    // The last rows % 8 rows: the same exact sums, one row at a time (r[1..7] are zero).
    for (; i < rows; i++) {
        __m256i r[8] = {scores_row(Y + i * stride, q, stride / 16)};
        out[i] = (float)_mm256_extract_epi32(scores_reduce8(r), 0) * factor;
    }
}

__attribute__((target("avx2")))
static int64_t skip_avx2(int64_t n, const float *a, int64_t from, float t) {
    const __m256 vt = _mm256_set1_ps(t);
    int64_t j = from;
    // Four blocks per test while they are all below t: one branch per 32 scores.
    for (; j + 32 <= n; j += 32) {
        __m256 m = _mm256_or_ps(_mm256_or_ps(_mm256_cmp_ps(_mm256_loadu_ps(a + j), vt, _CMP_GE_OQ),
                                             _mm256_cmp_ps(_mm256_loadu_ps(a + j + 8), vt, _CMP_GE_OQ)),
                                _mm256_or_ps(_mm256_cmp_ps(_mm256_loadu_ps(a + j + 16), vt, _CMP_GE_OQ),
                                             _mm256_cmp_ps(_mm256_loadu_ps(a + j + 24), vt, _CMP_GE_OQ)));
        if (!_mm256_testz_ps(m, m)) break;
    }
    for (; j + 8 <= n; j += 8) {
        __m256 m = _mm256_cmp_ps(_mm256_loadu_ps(a + j), vt, _CMP_GE_OQ);
        if (!_mm256_testz_ps(m, m)) return j;
    }
    return j;
}
#endif

als_status_t als_quantized_scores(int64_t rows, int64_t stride, const int8_t *_Nonnull Y,
                                  const int16_t *_Nonnull q, float factor, float *_Nonnull out) {
    if (rows < 0 || stride < 1 || stride % 16 != 0) return ALS_INVALID_ARGUMENT;
#ifdef ALS_SCORES_AVX2
    if (__builtin_cpu_supports("avx2")) {
        scores_avx2(rows, stride, Y, q, factor, out);
        return ALS_OK;
    }
#endif
    for (int64_t i = 0; i < rows; i++) {
        const int8_t *restrict y = Y + i * stride;
        int32_t acc = 0;
        for (int64_t f = 0; f < stride; f++) acc += (int32_t)q[f] * (int32_t)y[f];
        out[i] = (float)acc * factor;
    }
    return ALS_OK;
}

// Block skipping for the top-K selections (`_selectTopK`, `_StreamingTopK`).
//
// Math. Returns the first j = from + 8m (m ≥ 0) such that the block a[j ..< j + 8] holds a score
// s ≥ t, or else the first such j with j + 8 > n (the partial block at the end, or n): every
// block skipped holds only scores s < t or NaN, which a heap whose threshold is t rejects
// (`_TopK.offer` keeps neither). Returns an index, not a status: every from ≥ 0 and n ≥ 0 is
// valid, and from ≥ n returns from. Reads a[from ..< n] only.
int64_t als_skip_below(int64_t n, const float *_Nonnull a, int64_t from, float t) {
#ifdef ALS_SCORES_AVX2
    if (__builtin_cpu_supports("avx2")) return skip_avx2(n, a, from, t);
#endif
    int64_t j = from;
    for (; j + 8 <= n; j += 8) {
        for (int e = 0; e < 8; e++)
            if (a[j + e] >= t) return j;
    }
    return j;
}
