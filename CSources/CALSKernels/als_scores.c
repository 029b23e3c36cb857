// Quantised pre-selection scores for single-user recommend (see _QuantizedFactors.swift).
//
// Math. For every item row i of the Int16 matrix Y (rows × stride, zero-padded past k):
//   out[i] = (float)(Σ_f q[f] · Y[i][f]) · factor,
// the dot product exact in Int32: the caller chose the quantisation so that stride · Q² < 2³¹,
// which bounds every partial sum too. So the result does not depend on the order of the sum and
// every clone gives bit for bit what the Swift reference (`_QuantizedFactors.referenceScores`)
// gives: one int-to-float conversion and one multiply per row.
//
// Speed. Scoring reads the whole matrix once per query (3.4 MB at the ML-20M shape, k = 64),
// beyond L2 on most machines, so the loop is written for the compiler to vectorise across f
// (pmaddwd: 32 products per instruction under AVX-512) with stride 64 unrolled completely.
#include "als_simd.h"

ALS_INLINE void scores_fixed64(const int16_t *restrict Y, int64_t rows, const int16_t *restrict q,
                               float factor, float *restrict out) {
    for (int64_t i = 0; i < rows; i++) {
        const int16_t *restrict y = Y + i * 64;
        int32_t acc = 0;
        for (int f = 0; f < 64; f++) acc += (int32_t)q[f] * (int32_t)y[f];
        out[i] = (float)acc * factor;
    }
}

ALS_DISPATCH
als_status_t als_quantized_scores(int64_t rows, int64_t stride, const int16_t *_Nonnull Y,
                                  const int16_t *_Nonnull q, float factor, float *_Nonnull out) {
    if (rows < 0 || stride < 1 || stride % 8 != 0) return ALS_INVALID_ARGUMENT;
    if (stride == 64) {
        scores_fixed64(Y, rows, q, factor, out);
        return ALS_OK;
    }
    for (int64_t i = 0; i < rows; i++) {
        const int16_t *restrict y = Y + i * stride;
        int32_t acc = 0;
        for (int64_t f = 0; f < stride; f++) acc += (int32_t)q[f] * (int32_t)y[f];
        out[i] = (float)acc * factor;
    }
    return ALS_OK;
}
