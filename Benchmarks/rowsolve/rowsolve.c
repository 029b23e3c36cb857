// One row's exact solve, two ways, one thread: the assembled system (als_solve_cholesky_row:
// copy of the Gram, accumulation, k×k Cholesky) against the Woodbury step in the Gram's
// eigenbasis (als_subspace_eigen_block_step from x = 0, as the Cholesky solver's short rows take
// it), and the k×k factorisation alone. Microseconds per row, the best of `rounds` timings of
// `reps` rows each. Built against the kernel sources by run.sh; not part of the package.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "CALSKernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t state = 42;
static float uniform(void) { // SplitMix64 to [-0.5, 0.5)
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (float)((z ^ (z >> 31)) >> 40) / 16777216.0f - 0.5f;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: rowsolve k n [reps] [rounds]\n"); return 2; }
    const int k = atoi(argv[1]), n = atoi(argv[2]);
    const int reps = argc > 3 ? atoi(argv[3]) : 2000, rounds = argc > 4 ? atoi(argv[4]) : 5;
    const int rows = 20000; // the fixed side: 20,000 rows, beyond L2 as a real one is
    float *Y = malloc(sizeof(float) * (size_t)rows * k), *G = calloc((size_t)k * k, sizeof(float));
    float *reg = malloc(sizeof(float) * k), *lambda = malloc(sizeof(float) * k), *E = calloc((size_t)k * k, sizeof(float));
    for (size_t i = 0; i < (size_t)rows * k; i++) Y[i] = 0.3f * uniform();
    // G = I and E = I: the eigenbasis is the identity, so Z = Y; the cost does not depend on it.
    for (int i = 0; i < k; i++) { G[i * k + i] = 1; E[i * k + i] = 1; lambda[i] = 1; reg[i] = 0.1f; }
    int32_t *idx = malloc(sizeof(int32_t) * n);
    float *d = malloc(sizeof(float) * n), *t = malloc(sizeof(float) * n), *s = calloc(n, sizeof(float));
    for (int j = 0; j < n; j++) { idx[j] = (int32_t)((uniform() + 0.5f) * rows) % rows; d[j] = 0.5f + j % 5; t[j] = 1 + j % 3; }
    float *x = calloc(k, sizeof(float)), *gx = calloc(k, sizeof(float));
    float *A = malloc(sizeof(float) * (size_t)k * k), *A0 = malloc(sizeof(float) * (size_t)k * k);
    for (int i = 0; i < k; i++) for (int c = 0; c < k; c++) A0[i * k + c] = (i == c ? k : 0) + 0.01f * ((i * 7 + c * 3) % 11);
    float *cs = malloc(sizeof(float) * als_cholesky_scratch_floats(k));
    float *es = malloc(sizeof(float) * als_subspace_eigen_scratch_floats(k, n));
    double best[3] = {1e30, 1e30, 1e30};
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (int i = 0; i < reps; i++)
            if (als_solve_cholesky_row(k, G, 1, reg, 1, n, idx, d, t, Y, k, x, cs) != ALS_OK) return 1;
        double t1 = now();
        for (int i = 0; i < reps; i++) {
            memset(x, 0, sizeof(float) * k);
            memset(s, 0, sizeof(float) * n);
            if (als_subspace_eigen_block_step(k, 1, 0.1f, lambda, E, n, idx, d, t, Y, 0, k, gx, x, s, es) != ALS_OK) return 1;
        }
        double t2 = now(), copy = 0;
        for (int i = 0; i < reps; i++) memcpy(A, A0, sizeof(float) * (size_t)k * k);
        copy = now() - t2;
        t2 = now();
        for (int i = 0; i < reps; i++) {
            memcpy(A, A0, sizeof(float) * (size_t)k * k);
            if (als_cholesky_solve(k, A, k, x) != ALS_OK) return 1;
        }
        double t3 = now();
        double v[3] = {(t1 - t0) / reps, (t2 - t1 - copy) / reps, (t3 - t2 - copy) / reps};
        for (int q = 0; q < 3; q++) if (v[q] < best[q]) best[q] = v[q];
    }
    printf("| %d | %d | %.1f | %.1f | %.1f |\n", k, n, best[0] * 1e6, best[1] * 1e6, best[2] * 1e6);
    return 0;
}
