#!/usr/bin/env bash
# Creates the demo workspace data/demo/workspace: HAT's space0, the demo SuperTransformer
# (data/demo/checkpoint_last.pt, 1/8 width), 64 valid sentences spread over the split as the
# fitness set (see bench_fitness_subset), and
# HAT's three WMT'14 En-De devices plus this machine at one thread.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf data/demo/workspace
build/app/hat workspace init data/demo/workspace --space data/spaces/space0.yml \
  --checkpoint data/demo/checkpoint_last.pt --fitness-sentences 64 \
  --devices hat/wmt14ende_cpu_raspberrypi,hat/wmt14ende_cpu_xeon,hat/wmt14ende_gpu_titanxp,local/1t
