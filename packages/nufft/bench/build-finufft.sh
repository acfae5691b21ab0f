#!/usr/bin/env bash
# Build FINUFFT (Flatiron Institute, Apache-2.0) from source under /tmp and a tiny C timing
# driver (bench/finufft_driver.c) against it, for the FINUFFT rows of bench/run.mjs.
# FINUFFT's code is never copied into this repository: it is unpacked and built under $PREFIX.
#
#   bash packages/nufft/bench/build-finufft.sh          # -> /tmp/finufft/build/finufft_driver
#
# Sources: a git directory of each dependency (FINUFFT_GIT, XSIMD_GIT, POET_GIT, FINDFFTW_GIT,
# CPM_GIT; the defaults are the /work/.mirror snapshots of github.com/flatironinstitute/finufft,
# xtensor-stack/xsimd, flatironinstitute/poet, egpbos/findFFTW, cpm-cmake/CPM.cmake), so the
# build needs no network (CPM is pointed at the unpacked copies). System packages: a C/C++
# compiler with OpenMP, cmake, FFTW 3 (`apt-get install -y libfftw3-dev cmake`).
# bench/run.mjs looks for the driver at $FINUFFT_DRIVER or /tmp/finufft/build/finufft_driver.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${PREFIX:-/tmp/finufft}"
MIRROR="${MIRROR:-/work/.mirror}"
FINUFFT_GIT="${FINUFFT_GIT:-$MIRROR/flatironinstitute+finufft/repo}"
XSIMD_GIT="${XSIMD_GIT:-$MIRROR/xtensor-stack+xsimd/repo}"
POET_GIT="${POET_GIT:-$MIRROR/flatironinstitute+poet/repo}"
FINDFFTW_GIT="${FINDFFTW_GIT:-$MIRROR/egpbos+findFFTW/repo}"
CPM_GIT="${CPM_GIT:-$MIRROR/cpm-cmake+CPM.cmake/repo}"
JOBS="${JOBS:-2}"

if [ ! -f /usr/include/fftw3.h ] || ! command -v cmake >/dev/null; then
  echo "installing libfftw3-dev cmake (apt)"
  apt-get update && apt-get install -y libfftw3-dev cmake
fi

unpack() { # git-dir ref dest
  rm -rf "$3" && mkdir -p "$3"
  git --git-dir="$1" archive "$2" | tar -x -C "$3"
}

mkdir -p "$PREFIX"
unpack "$FINUFFT_GIT" HEAD "$PREFIX/src"
# The dependency versions FINUFFT pins (CMakeLists.txt), unpacked from the mirrors.
XSIMD_VERSION="$(sed -n 's/.*set(XSIMD_VERSION "\([^"]*\)".*/\1/p' "$PREFIX/src/CMakeLists.txt")"
POET_VERSION="$(sed -n 's/.*set(POET_VERSION "\([^"]*\)".*/\1/p' "$PREFIX/src/CMakeLists.txt")"
CPM_VERSION="$(sed -n 's/.*set(CPM_DOWNLOAD_VERSION "\([^"]*\)".*/\1/p' "$PREFIX/src/CMakeLists.txt")"
unpack "$XSIMD_GIT" "$XSIMD_VERSION" "$PREFIX/deps/xsimd"
unpack "$POET_GIT" "$POET_VERSION" "$PREFIX/deps/poet"
unpack "$FINDFFTW_GIT" HEAD "$PREFIX/deps/findfftw"
mkdir -p "$PREFIX/deps/cpm-cache/cpm"
git --git-dir="$CPM_GIT" show HEAD:cmake/CPM.cmake >"$PREFIX/deps/cpm-cache/cpm/CPM_${CPM_VERSION}.cmake"

cmake -S "$PREFIX/src" -B "$PREFIX/build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DFINUFFT_USE_OPENMP=ON \
  -DCPM_SOURCE_CACHE="$PREFIX/deps/cpm-cache" \
  -DCPM_xsimd_SOURCE="$PREFIX/deps/xsimd" \
  -DCPM_POET_SOURCE="$PREFIX/deps/poet" \
  -DCPM_findfftw_SOURCE="$PREFIX/deps/findfftw"
cmake --build "$PREFIX/build" -j "$JOBS" --target finufft

# libfinufft.a needs its companion static libraries (libfinufft_common.a, ...) after it.
LIBS="$(find "$PREFIX/build/src" -name 'libfinufft.a') $(find "$PREFIX/build/src" -name 'lib*.a' ! -name 'libfinufft.a' | sort)"
# shellcheck disable=SC2086 # LIBS is a list of paths without spaces
gcc -O2 -fopenmp -I"$PREFIX/src/include" "$HERE/finufft_driver.c" $LIBS \
  -lfftw3_omp -lfftw3 -lfftw3f_omp -lfftw3f -lstdc++ -lm -o "$PREFIX/build/finufft_driver"
echo "built $PREFIX/build/finufft_driver"
