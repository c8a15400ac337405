#!/usr/bin/env bash
# Runs one fuzz target for a bounded time over its corpora and prints one line of numbers.
#   run_fuzzer.sh [--ci] BINARY SECONDS [libFuzzer options...]
# Corpora, in libFuzzer's order (new inputs go to the first):
#   build-fuzz/tests/fuzz/corpus/<target>  what earlier long runs found (with --ci: a fresh,
#                                          empty folder, so a CI run depends on nothing but the tree)
#   build-fuzz/tests/fuzz/seeds/<target>   made at build time from our own files
#   tests/fuzz/regressions/<target>        every crash found so far, minimised: replayed first
# --ci also fixes the random seed, so a CI run is repeatable. Exit status: 0 when nothing was
# found; otherwise libFuzzer's, with the crashing input under findings/<target>/.
set -euo pipefail
ci=0
if [ "${1:-}" = "--ci" ]; then ci=1; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: $0 [--ci] BINARY SECONDS [libFuzzer options...]" >&2
  exit 2
fi
binary=$(realpath "$1")
seconds=$2
shift 2
name=$(basename "$binary")
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$binary")

corpus=$out/corpus/$name
options=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1)
if ((ci)); then
  corpus=$out/ci-corpus/$name
  rm -rf "$corpus"
  options+=(-seed=1)
fi
findings=$out/findings/$name
mkdir -p "$corpus" "$findings" "$out/logs"
corpora=("$corpus" "$out/seeds/$name")
if [ -d "$here/regressions/$name" ]; then corpora+=("$here/regressions/$name"); fi
if [ -f "$here/dicts/$name.dict" ]; then options+=(-dict="$here/dicts/$name.dict"); fi

# LibTorch keeps process-lifetime allocations in global registries: leak reports at exit would
# be noise, so leaks are not findings here; memory growth shows as -rss_limit_mb instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One thread for OpenMP/OpenBLAS: inputs run one at a time.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

log=$out/logs/$name.log
status=0
"$binary" "${options[@]}" -artifact_prefix="$findings/" "$@" "${corpora[@]}" >"$log" 2>&1 || status=$?
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
runs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
rss=$(stat peak_rss_mb)
units=$(find "$corpus" -type f | wc -l)
if ((status == 0)); then
  # Also kept beside the log: CTest shows a passing test's output only when asked, and
  # scripts/fuzz.sh --ci prints these lines after the run.
  echo "$name: ${runs:-?} executions in ${seconds} s (${rate:-?}/s), peak RSS ${rss:-?} MB," \
       "$units new corpus inputs, no finding" | tee "$out/logs/$name.summary"
else
  rm -f "$out/logs/$name.summary"
  echo "$name: FINDING (exit $status) after ${runs:-?} executions; log $log" >&2
  grep -E 'ERROR: |SUMMARY: |FUZZ FINDING|terminate called|what\(\): |deadly signal|Test unit written|runtime error' \
    "$log" | head -20 >&2 || true
  echo "--- last lines of the log ---" >&2
  tail -40 "$log" >&2
fi
exit "$status"
