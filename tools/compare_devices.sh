#!/usr/bin/env bash
# Searches one workspace for each of HAT's three WMT'14 En-De devices at a mid-range limit (halfway
# between the predicted latencies of the smallest and the largest SubTransformer) and prints the
# architectures side by side. Evaluations are shared between devices, so later searches reuse them.
#
#   tools/compare_devices.sh WORKSPACE_DIR [extra hat search options]
set -euo pipefail
ws=$1; shift
root="$(cd "$(dirname "$0")/.." && pwd)"
hat="$root/build/app/hat"
space="$root/data/spaces/space0.yml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$hat" arch sample --space "$space" --seed 1 >/dev/null  # the binary works
cat > "$tmp/largest.yml" <<YML
encoder-embed-dim-subtransformer: 640
decoder-embed-dim-subtransformer: 640
encoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 3072, 3072, 3072, 3072]
decoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 3072, 3072, 3072, 3072]
encoder-layer-num-subtransformer: 6
decoder-layer-num-subtransformer: 6
encoder-self-attention-heads-all-subtransformer: [8, 8, 8, 8, 8, 8]
decoder-self-attention-heads-all-subtransformer: [8, 8, 8, 8, 8, 8]
decoder-ende-attention-heads-all-subtransformer: [8, 8, 8, 8, 8, 8]
decoder-arbitrary-ende-attn-all-subtransformer: [1, 1, 1, 1, 1, 1]
YML
cat > "$tmp/smallest.yml" <<YML
encoder-embed-dim-subtransformer: 512
decoder-embed-dim-subtransformer: 512
encoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 1024, 1024, 1024, 1024]
decoder-ffn-embed-dim-all-subtransformer: [1024]
encoder-layer-num-subtransformer: 6
decoder-layer-num-subtransformer: 1
encoder-self-attention-heads-all-subtransformer: [4, 4, 4, 4, 4, 4]
decoder-self-attention-heads-all-subtransformer: [4]
decoder-ende-attention-heads-all-subtransformer: [4]
decoder-arbitrary-ende-attn-all-subtransformer: [-1]
YML
for dev in wmt14ende_cpu_raspberrypi wmt14ende_cpu_xeon wmt14ende_gpu_titanxp; do
  p="$root/data/latency/hat/$dev.pt"
  lo=$("$hat" latency predict --predictor "$p" --space "$space" "$tmp/smallest.yml" | awk '{print $1}')
  hi=$("$hat" latency predict --predictor "$p" --space "$space" "$tmp/largest.yml" | awk '{print $1}')
  mid=$(awk -v a="$lo" -v b="$hi" 'BEGIN{printf "%.1f", (a+b)/2}')
  echo "== $dev: smallest $lo ms, largest $hi ms, limit $mid ms"
  "$hat" search --workspace "$ws" --device "$dev" --max-latency-ms "$mid" --json "$@" > "$tmp/$dev.json"
  /usr/bin/python3 - "$tmp/$dev.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(f"   predicted {j['latency_ms']:.1f} ms, valid loss {j['valid_loss']:.4f}, {j['params']/1e6:.1f} M params, "
      f"{j['evaluations_computed']} evaluated / {j['evaluations_reused']} reused, {j['seconds']:.0f} s")
print("   " + j['summary'])
PY
done
