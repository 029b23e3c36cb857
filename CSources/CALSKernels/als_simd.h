#ifndef ALS_SIMD_H
#define ALS_SIMD_H
// Internal: the vector type and the run-time dispatch every kernel uses.
//
// Kernels are written once over a 16-float vector (GCC/Clang vector extensions). The compiler
// emits one clone per target below and the loader picks the best one for the CPU at run time
// (an ifunc), so a shipped binary never depends on -march=native: AVX-512 (x86-64-v4) runs one
// zmm per vector, AVX2+FMA (x86-64-v3) two ymm, and the portable fallback four xmm.
#include <stdint.h>
#include <string.h>
#include "CALSKernels.h"

#define ALS_INLINE static inline __attribute__((always_inline))

typedef float als_v16 __attribute__((vector_size(64), aligned(4)));

// Vector helpers are macros, not functions: a function taking or returning a 16-float vector by
// value has a different ABI in the AVX2 and SSE clones, which clang rejects even when inlined.
#define als_load16(p) (*(const als_v16 *)(p))
#define als_store16(p, v) (*(als_v16 *)(p) = (v))
#define als_splat16(s) ((als_v16){0} + (float)(s))
#define als_hsum16(v) als_hsum16_((v)[0], (v)[1], (v)[2], (v)[3], (v)[4], (v)[5], (v)[6], (v)[7], \
                                   (v)[8], (v)[9], (v)[10], (v)[11], (v)[12], (v)[13], (v)[14], (v)[15])
ALS_INLINE float als_hsum16_(float a, float b, float c, float d, float e, float f, float g, float h,
                             float i, float j, float k, float l, float m, float n, float o, float p) {
    return ((a + b) + (c + d)) + ((e + f) + (g + h)) + (((i + j) + (k + l)) + ((m + n) + (o + p)));
}

// Sanitizers are off-limits for clones: an ifunc resolver runs before the sanitizer runtime is
// set up and crashes it, so sanitized builds (swift test --sanitize=thread) use one portable body.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define ALS_NO_CLONES 1
#endif
#endif

#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
#define ALS_DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ALS_DISPATCH
#endif

// x·y over k floats, vectorised.
ALS_INLINE float als_dot(int32_t k, const float *x, const float *y) {
    als_v16 acc0 = als_splat16(0), acc1 = als_splat16(0);
    int32_t i = 0;
    for (; i + 32 <= k; i += 32) {
        acc0 += als_load16(x + i) * als_load16(y + i);
        acc1 += als_load16(x + i + 16) * als_load16(y + i + 16);
    }
    for (; i + 16 <= k; i += 16) acc0 += als_load16(x + i) * als_load16(y + i);
    float s = als_hsum16(acc0 + acc1);
    for (; i < k; i++) s += x[i] * y[i];
    return s;
}

// y += a·x over k floats, vectorised.
ALS_INLINE void als_axpy(int32_t k, float a, const float *x, float *y) {
    als_v16 va = als_splat16(a);
    int32_t i = 0;
    for (; i + 16 <= k; i += 16) als_store16(y + i, als_load16(y + i) + va * als_load16(x + i));
    for (; i < k; i++) y[i] += a * x[i];
}

#endif
