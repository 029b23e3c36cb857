#ifndef CMPI_SHIM_H
#define CMPI_SHIM_H
// Shim for Open MPI (Debian's libopenmpi-dev, found through ompi-c.pc). Only the distributed
// layer (Sources/ALSDistributed/Interop) imports this module; nothing in ALS or `als` needs MPI.
//
// Why the functions: in Open MPI, MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and friends are macros that
// take the address of a global struct (`((MPI_Comm)&ompi_mpi_comm_world)`), which Swift cannot
// import. Each `als_mpi_…` function below returns one of them. They can go if Swift ever imports
// such macros, or if Open MPI 5's ABI (integer handles) is all we target.
#include <mpi.h>

static inline MPI_Comm _Nonnull als_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype _Nonnull als_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype _Nonnull als_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype _Nonnull als_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype _Nonnull als_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype _Nonnull als_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype _Nonnull als_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op _Nonnull als_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op _Nonnull als_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op _Nonnull als_mpi_max(void) { return MPI_MAX; }
/// MPI_IN_PLACE, for the in-place Allgatherv of factor blocks.
static inline void *_Nonnull als_mpi_in_place(void) { return MPI_IN_PLACE; }
/// MPI_ERRORS_RETURN: a failed call returns its code instead of aborting, so that the Swift
/// layer can turn it into a typed error naming the call.
static inline MPI_Errhandler _Nonnull als_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int als_mpi_success(void) { return MPI_SUCCESS; }
static inline int als_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
