#!/usr/bin/env bash
# The main job on a fresh machine: vanilla VQ and VQGAN-LC trained side by side on Fashion-MNIST at
# the same codebook size (1,024), ending with a table of utilization, perplexity, rFID and PSNR.
# Builds vqlc and fetches Fashion-MNIST if needed; trains the evaluation network (rFID features)
# and builds LC's patch codebook when they are missing. Extra arguments go to `vqlc sweep`, e.g.
# -o train.steps=400 (every cell) or --parallel 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -f vq-experiments/target/vq-experiments.jar || ! -f vq-bench/target/vq-bench.jar ]]; then
  echo "== building vqlc (mvn package)"
  mvn -q -B package -DskipTests
fi
scripts/fetch-data.sh fashion-mnist
if [[ ! -f runs/eval-net/feature-net.params ]]; then
  echo "== training the evaluation network for rFID (runs/eval-net)"
  bin/vqlc features train -c configs/fashion-mnist/eval-net.conf
fi
if [[ ! -f runs/codebooks/quickstart-patches-1024.npy ]]; then
  echo "== LC's static codebook: k-means of image patches (runs/codebooks/quickstart-patches-1024.npy)"
  bin/vqlc codebook -c configs/quickstart-codebook.conf
fi
SWEEP_DIR="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
# the two runs side by side, one libtorch thread each, unless the arguments say otherwise
PARALLEL=(--parallel "$(( $(nproc 2>/dev/null || echo 2) >= 2 ? 2 : 1 ))")
[[ " $* " == *" --parallel"* ]] && PARALLEL=()
echo "== training VQ and VQGAN-LC (configs/sweeps/quickstart.conf) into $SWEEP_DIR"
bin/vqlc sweep -c configs/sweeps/quickstart.conf -o sweep.dir="$SWEEP_DIR" "${PARALLEL[@]}" "$@"
echo
cat "$SWEEP_DIR/table.md"
