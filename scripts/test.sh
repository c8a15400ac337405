#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run every test through CTest,
# then the fuzz targets over their seeds and regressions and a short random run each
# (scripts/fuzz.sh --ci, about two minutes with its build; HAT_FUZZ_CI=0 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# Widget tests need no display: Qt's offscreen platform renders into memory.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
(cd build && ctest --output-on-failure -j "${HAT_JOBS:-$(nproc)}" "$@")
if [ "${HAT_FUZZ_CI:-1}" != 0 ]; then
  scripts/fuzz.sh --ci
fi
