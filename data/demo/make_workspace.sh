#!/usr/bin/env bash
# Creates the demo workspace data/demo/workspace: HAT's space0, the demo SuperTransformer
# (data/demo/checkpoint_last.pt, 1/8 width), 64 valid sentences spread over the split as the
# fitness set (see bench_fitness_subset), HAT's three WMT'14 En-De devices plus this machine at one
# thread, and for each device a finished search at the middle of its latency range (the window's
# default limit), so the explorer opens on a front, an answer and its architecture.
# The searches use the window's default settings (population 40 = 10 parents + 15 mutations + 15
# crossovers, 10 generations, seed 1); evaluations are shared, so later devices reuse earlier ones.
set -euo pipefail
cd "$(dirname "$0")/../.."
HAT=${HAT:-build/app/hat}
WS=data/demo/workspace
rm -rf "$WS"
"$HAT" workspace init "$WS" --space data/spaces/space0.yml \
  --checkpoint data/demo/checkpoint_last.pt --fitness-sentences 64 \
  --devices hat/wmt14ende_cpu_raspberrypi,hat/wmt14ende_cpu_xeon,hat/wmt14ende_gpu_titanxp,local/1t
# The middle of each device's range, as `hat compare` computes it (relative limit 0.5), rounded
# to the window's 0.1 ms.
"$HAT" compare --workspace "$WS" --relative-limit 0.5 --json |
  python3 -c 'import json,sys; [print(d["device"], "%.1f" % d["limit_ms"]) for d in json.load(sys.stdin)["devices"]]' |
  while read -r device limit; do
    echo "make_workspace: searching $device under $limit ms"
    "$HAT" search --workspace "$WS" --device "$device" --max-latency-ms "$limit" \
      --population 40 --parents 10 --mutations 15 --crossovers 15 --generations 10 --seed 1 --threads 2
  done
# A committed database is one self-contained file: no write-ahead log beside it.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE"); c.close()' "$WS/workspace.db"
