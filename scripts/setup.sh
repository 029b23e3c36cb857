#!/usr/bin/env bash
# Installs the system packages SwiftALS links against, when they are missing, and says so.
#   libopenblas-dev     CBLAS, LAPACK (Gram, GEMM, eigen-decomposition)
#   libsuitesparse-dev  CHOLMOD (Matrix Market read and write)
#   pkg-config          finds OpenBLAS (Debian 12's SuiteSparse ships no .pc file)
set -euo pipefail
packages=(libopenblas-dev libsuitesparse-dev pkg-config)
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
