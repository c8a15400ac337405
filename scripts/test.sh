#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# Widget tests need no display: Qt's offscreen platform renders into memory.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
cd build
ctest --output-on-failure -j "${HAT_JOBS:-$(nproc)}" "$@"
