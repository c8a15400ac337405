#!/usr/bin/env bash
# Reproduces the demo SuperTransformer in data/demo/ (HAT's space0 at 1/8 width, En->De LibreOffice
# corpus). Resumable: re-running continues from data/demo/checkpoint_last.pt.
set -euo pipefail
cd "$(dirname "$0")/../.."
# 1. subword model and dictionary (deterministic, ~8 s)
[ -f data/demo/spm.model ] || build/app/hat data prepare --corpus data/corpus/en-de --out data/demo --vocab-size 8000
# 2. SuperTransformer training (about 3,000 target tokens/s on one core of this 2-core machine)
exec build/app/hat train --corpus data/corpus/en-de --spm data/demo/spm.model --dict data/demo/dict.txt \
  --space data/spaces/space0.yml --out data/demo --width-divisor 8 \
  --max-updates 12000 --max-tokens 4096 --lr 0.0015 --warmup 500 --seed 1 --threads 1 \
  --validate-every 500 --checkpoint-every 100 --max-valid-batches 40 "$@"
