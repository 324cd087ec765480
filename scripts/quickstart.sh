#!/usr/bin/env bash
# The main job on a fresh machine: build if needed, fetch Fashion-MNIST if missing, train the
# feature network if missing, train and evaluate the quickstart config, print its metrics. Extra arguments go to `vqlc train`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -f vq-experiments/target/vq-experiments.jar || ! -f vq-bench/target/vq-bench.jar ]]; then
  echo "== building vqlc (mvn package)"
  mvn -q -B package -DskipTests
fi
scripts/fetch-data.sh fashion-mnist
if [[ ! -f runs/feature-net/feature-net.params ]]; then
  # rFID (and the Fashion-MNIST recipe's perceptual loss) use the in-project feature network
  echo "== training the feature network (runs/feature-net, about a minute)"
  bin/vqlc features train -c configs/fashion-mnist/feature-net.conf
fi
RUN_DIR="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
echo "== training configs/quickstart.conf into $RUN_DIR"
bin/vqlc train -c configs/quickstart.conf -o run.dir="$RUN_DIR" "$@"
echo "== $RUN_DIR/metrics.json"
cat "$RUN_DIR/metrics.json"
