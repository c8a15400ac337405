#!/usr/bin/env bash
# Configures (once) and builds HAT Explorer into build/. Uses ninja, ccache and precompiled headers.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${HAT_BUILD_DIR:-build}
JOBS=${HAT_JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
