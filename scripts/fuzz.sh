#!/usr/bin/env bash
# Fuzzing (tests/fuzz): builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, then runs them.
#   scripts/fuzz.sh --ci                 what CI runs: each target over its seeds and regressions,
#                                        then 8 s of random inputs (about a minute in all)
#   scripts/fuzz.sh [SECONDS] [TARGET...] a longer run, one target after another (default: every
#                                        target, 300 s each); the corpus grows in build-fuzz/
# A finding leaves its input in build-fuzz/tests/fuzz/findings/<target>/. Replay and minimise it:
#   build-fuzz/tests/fuzz/<target> FILE
#   build-fuzz/tests/fuzz/<target> -minimize_crash=1 -max_total_time=60 -exact_artifact_path=MIN FILE
# then keep MIN under tests/fuzz/regressions/<target>/: every later run replays it first.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${HAT_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${HAT_JOBS:-$(nproc)}
TARGETS=(fuzz_space_yaml fuzz_subconfig fuzz_latency_csv fuzz_gene_text fuzz_workspace_db
         fuzz_checkpoint fuzz_predictor)

ci=0
if [ "${1:-}" = "--ci" ]; then ci=1; shift; fi
seconds=300
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
if [ $# -gt 0 ]; then TARGETS=("$@"); fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DHAT_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
fi
cmake --build "$BUILD_DIR" -j "$JOBS"

if ((ci)); then
  # The CTest entries of the fuzz build (tests/fuzz/CMakeLists.txt), two at a time, then each
  # target's executions, rate and memory.
  status=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 -L fuzz || status=$?
  cat "$BUILD_DIR"/tests/fuzz/logs/*.summary 2>/dev/null || true
  exit "$status"
fi
status=0
for target in "${TARGETS[@]}"; do
  tests/fuzz/run_fuzzer.sh "$BUILD_DIR/tests/fuzz/$target" "$seconds" || status=1
done
exit "$status"
