// als_row_loss: the data term of one row's loss, in Double, without visiting missing cells:
//
//   L_row = gscale·xᵀGx + Σ_j [ c_j (p_j − s_j)² − w_j s_j² ],   s_j = xᵀy_j
//
// gscale·xᵀGx = Σ over all of the row's cells of w·s², so subtracting w_j s_j² on observed cells
// leaves exactly Σ_missing w s² + Σ_observed c (p − s)².
#include "als_simd.h"

ALS_DISPATCH
als_status_t als_row_loss(int32_t k, const float *G, float gscale, int64_t n, const int32_t *idx,
                          const float *c, const float *p, const float *w, const float *Y, int64_t ldy,
                          const float *x, double *out) {
    if (k < 1 || k > ALS_MAX_FACTORS || n < 0 || ldy < k) return ALS_INVALID_ARGUMENT;
    double total = 0;
    if (G && gscale != 0) {
        double q = 0;
        for (int32_t i = 0; i < k; i++) q += (double)x[i] * (double)als_dot(k, G + (int64_t)i * k, x);
        total += (double)gscale * q;
    }
    for (int64_t j = 0; j < n; j++) {
        if (j + ALS_PREFETCH_AHEAD < n) als_prefetch_row(Y + (int64_t)idx[j + ALS_PREFETCH_AHEAD] * ldy, k);
        double s = als_dot(k, x, Y + (int64_t)idx[j] * ldy);
        double e = (double)p[j] - s;
        total += (double)c[j] * e * e - (double)w[j] * s * s;
    }
    *out = total;
    return ALS_OK;
}
