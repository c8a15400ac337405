#!/usr/bin/env bash
# Reproduces the demo SuperTransformer in data/demo/ (HAT's space0 at 1/8 width, En->De LibreOffice
# corpus). Resumable: re-running continues from data/demo/checkpoint_last.pt.
set -euo pipefail
cd "$(dirname "$0")/../.."
# 1. subword model and dictionary (deterministic, ~8 s)
[ -f data/demo/spm.model ] || build/app/hat data prepare --corpus data/corpus/en-de --out data/demo --vocab-size 8000
# 2. SuperTransformer training (about 4,000 target tokens/s on one core of this 2-core machine).
#    lr 5e-4 with 8k-token batches: at 1.5e-3 and 4k tokens the sampled SubTransformers' noisy
#    gradients held the model at a unigram plateau (valid loss 7.3 bits after 3,000 updates).
exec build/app/hat train --corpus data/corpus/en-de --spm data/demo/spm.model --dict data/demo/dict.txt \
  --space data/spaces/space0.yml --out data/demo --width-divisor 8 \
  --max-updates 6000 --max-tokens 8192 --lr 0.0005 --warmup 1000 --seed 1 --threads 1 \
  --validate-every 250 --checkpoint-every 50 --max-valid-batches 20 "$@"
