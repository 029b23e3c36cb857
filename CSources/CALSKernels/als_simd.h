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
typedef float als_v8 __attribute__((vector_size(32), aligned(4)));
typedef float als_v4 __attribute__((vector_size(16), aligned(4)));
#define als_load8(p) (*(const als_v8 *)(p))
#define als_store8(p, v) (*(als_v8 *)(p) = (v))
#define als_load4(p) (*(const als_v4 *)(p))
#define als_store4(p, v) (*(als_v4 *)(p) = (v))
// Horizontal sum by halving (16 → 8 → 4 → 2 → 1 lanes): four shuffles and adds, not fifteen
// scalar extractions.
#define als_hsum16(v) ({ \
    als_v16 _v = (v); \
    als_v8 _h = __builtin_shufflevector(_v, _v, 0, 1, 2, 3, 4, 5, 6, 7) \
              + __builtin_shufflevector(_v, _v, 8, 9, 10, 11, 12, 13, 14, 15); \
    als_v4 _q = __builtin_shufflevector(_h, _h, 0, 1, 2, 3) + __builtin_shufflevector(_h, _h, 4, 5, 6, 7); \
    (_q[0] + _q[2]) + (_q[1] + _q[3]); })

// Sanitizers are off-limits for clones: an ifunc resolver runs before the sanitizer runtime is
// set up and crashes it, so sanitized builds (swift test --sanitize=thread) use one portable body.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define ALS_NO_CLONES 1
#endif
#endif

#if defined(__x86_64__) && defined(__linux__) && !defined(ALS_NO_CLONES)
#define ALS_DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
// Whether the CPU runs the AVX-512 paths (F, BW, VL and DQ, as the x86-64-v4 clones assume).
ALS_INLINE int als_cpu_avx512(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}
// Whether AVX2 + FMA is the widest vector, where the 8-float paths that fit the sixteen ymm
// registers replace the 16-float ones (which would take two registers each and spill).
ALS_INLINE int als_cpu_avx2_widest(void) {
    return !als_cpu_avx512() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
#define ALS_DISPATCH
#endif

// Prefetch distance, in entries, for gathers of scattered factor rows. A row of a fixed side
// that does not fit in cache costs a DRAM round trip; asking for rows this far ahead keeps
// several misses in flight instead of stalling on each one in turn.
#define ALS_PREFETCH_AHEAD 8

// Prefetches the k floats of a row (every 64-byte line of it).
ALS_INLINE void als_prefetch_row(const float *row, int32_t k) {
    for (int32_t i = 0; i < k; i += 16) __builtin_prefetch(row + i, 0, 3);
}

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
    if (i + 8 <= k) {
        als_v8 p = als_load8(x + i) * als_load8(y + i);
        als_v4 q = __builtin_shufflevector(p, p, 0, 1, 2, 3) + __builtin_shufflevector(p, p, 4, 5, 6, 7);
        s += (q[0] + q[2]) + (q[1] + q[3]);
        i += 8;
    }
    if (i + 4 <= k) {
        als_v4 q = als_load4(x + i) * als_load4(y + i);
        s += (q[0] + q[2]) + (q[1] + q[3]);
        i += 4;
    }
    for (; i < k; i++) s += x[i] * y[i];
    return s;
}

// y += a·x over k floats, vectorised.
ALS_INLINE void als_axpy(int32_t k, float a, const float *x, float *y) {
    als_v16 va = als_splat16(a);
    int32_t i = 0;
    for (; i + 16 <= k; i += 16) als_store16(y + i, als_load16(y + i) + va * als_load16(x + i));
    // Tails in 8- and 4-wide steps: the Cholesky update's rows shrink to every length below k.
    if (i + 8 <= k) {
        als_store8(y + i, als_load8(y + i) + a * als_load8(x + i));
        i += 8;
    }
    if (i + 4 <= k) {
        als_store4(y + i, als_load4(y + i) + a * als_load4(x + i));
        i += 4;
    }
    for (; i < k; i++) y[i] += a * x[i];
}

#endif
