#!/usr/bin/env bash
# Installs the Debian packages HAT Explorer needs to build, test and run. Idempotent: when every
# package is present it only runs dpkg-query and returns in well under a second.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # core: tensors, BLAS (OpenBLAS must be the active libblas.so.3, see README), storage, formats
  libtorch-dev libopenblas0-openmp libblas3 libblas-dev
  libsqlite3-dev libyaml-cpp-dev nlohmann-json3-dev
  libsentencepiece-dev libicu-dev zlib1g-dev
  # ui
  qt6-base-dev libqcustomplot-dev libgl-dev fonts-dejavu-core
  # headless window for screenshots and GUI runs without a display; xprop/xwininfo read the
  # window's size hints (scripts/screenshots.sh)
  xvfb xauth x11-utils
  # corpus builder (tools/corpus): msgunfmt for LibreOffice's gettext catalogs
  gettext python3
  # importing HAT's released checkpoints (tools/import_hat_checkpoint.py)
  python3-torch
  # fuzzing (scripts/fuzz.sh, run by scripts/test.sh): clang's libFuzzer and sanitizer runtimes,
  # llvm-symbolizer for readable reports
  clang libclang-rt-14-dev llvm
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
