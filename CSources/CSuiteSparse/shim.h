#ifndef CSUITESPARSE_SHIM_H
#define CSUITESPARSE_SHIM_H
// Shim for SuiteSparse CHOLMOD. Debian 12 ships SuiteSparse 5.12 without a pkg-config file; its
// headers live in /usr/include/suitesparse, which is on the default include path as a prefix.
// We use CHOLMOD for Matrix Market read and write.
#include <stdio.h>
#include <suitesparse/cholmod.h>

// Swift cannot call C varargs or take FILE* from a path without Glibc; these static helpers keep
// the FILE* handling on the C side. They can go once the Swift side opens FILE* itself. The
// stream wraps a descriptor that the Swift I/O layer opened (regular files only; atomic writes).
static inline FILE *_als_cholmod_fdopen(int fd, const char *mode) { return fdopen(fd, mode); }
static inline int _als_cholmod_fclose(FILE *file) { return fclose(file); }

#endif
