#!/usr/bin/env bash
# Installs the system packages SwiftALS links against, when they are missing, and says so.
#   libopenblas-dev     CBLAS, LAPACK (Gram, GEMM, eigen-decomposition)
#   libsuitesparse-dev  CHOLMOD (Matrix Market read and write)
#   pkg-config          finds OpenBLAS (Debian 12's SuiteSparse ships no .pc file)
# `bash scripts/setup.sh mpi` also installs Open MPI, for the distributed layer only
# (ALSDistributed, als-mpi; built with ALS_MPI=1): the ALS library, `als` and `make demo` never
# need it.
#   libopenmpi-dev      mpi.h and ompi-c.pc (the CMPI system-library target)
#   openmpi-bin         mpirun
# `bash scripts/setup.sh ials` installs what Benchmarks/ials/run.sh needs to build Google's
# iALS++ outside the repo (a benchmark peer only; nothing of SwiftALS uses them):
#   libeigen3-dev       Eigen headers
#   g++                 its compiler
set -euo pipefail
packages=(libopenblas-dev libsuitesparse-dev pkg-config)
if [ "${1:-}" = "mpi" ]; then packages+=(libopenmpi-dev openmpi-bin); fi
if [ "${1:-}" = "ials" ]; then packages+=(libeigen3-dev g++); fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup: installing missing system packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
echo "setup: installed ${missing[*]}" >&2
