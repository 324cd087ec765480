#!/usr/bin/env bash
# Diffusion-transformer speed of vqlc against a PyTorch baseline of the same model (training steps
# and sampling; vq-bench/scripts/pytorch/diffusion_step.py), one after the other on the same machine.
#
#   vq-bench/scripts/compare-diffusion.sh [-c CONFIG] [-o key=value ...] [--channels C] [--grid G]
#       [--steps N] [--warmup W] [--sample-steps 10,50]
#
# Both programs read the same config (default configs/fashion-mnist/sit.conf) and -o overrides and
# work on random latents of the same shape. Both run with OMP_NUM_THREADS=2 (VQLC_THREADS=2),
# DNNL_MAX_CPU_ISA=AVX2 and bin/vqlc's glibc malloc settings. Builds nothing: run
# `mvn -q package -DskipTests` first.
#
# Last lines: both training images/s and CPU ms per step, the CPU-time ratio, the training
# step-time ratio (ours / PyTorch's), then per sampling run both images/s and the time ratio.
# Other work on the machine distorts the figures: run it when the machine is quiet (see uptime).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME=compare-diffusion.sh
source "$ROOT/vq-bench/scripts/compare-common.sh"
CONFIG="$ROOT/configs/fashion-mnist/sit.conf"
STEPS=20
WARMUP=3
CHANNELS=8
GRID=8
SAMPLE_STEPS=10,50
OVERRIDES=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--config) CONFIG="$2"; shift 2 ;;
    -o) OVERRIDES+=(-o "$2"); shift 2 ;;
    --channels) CHANNELS="$2"; shift 2 ;;
    --grid) GRID="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --sample-steps) SAMPLE_STEPS="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$NAME: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
compare_checks "$CONFIG"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=(--channels "$CHANNELS" --grid "$GRID" --steps "$STEPS" --warmup "$WARMUP" --sample-steps "$SAMPLE_STEPS")

echo "== ours: bin/vqlc bench diffusion"
"$ROOT/bin/vqlc" bench diffusion -c "$CONFIG" ${OVERRIDES[@]+"${OVERRIDES[@]}"} "${ARGS[@]}" | tee "$LOGS/ours.txt"
echo "== pytorch: vq-bench/scripts/pytorch/diffusion_step.py"
"$PYTHON" "$ROOT/vq-bench/scripts/pytorch/diffusion_step.py" -c "$CONFIG" ${OVERRIDES[@]+"${OVERRIDES[@]}"} \
  "${ARGS[@]}" --threads 2 | tee "$LOGS/pytorch.txt"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
compare_summary train_images_per_second "$LOGS/ours.txt" "$LOGS/pytorch.txt"
for n in ${SAMPLE_STEPS//,/ }; do
  ours="$(last_figure "$LOGS/ours.txt" "sample_images_per_second_$n")"
  theirs="$(last_figure "$LOGS/pytorch.txt" "sample_images_per_second_$n")"
  echo "ours sample_images_per_second_$n $ours"
  echo "pytorch sample_images_per_second_$n $theirs"
  awk -v o="$ours" -v p="$theirs" -v n="$n" 'BEGIN { printf "pytorch/ours sampling-time ratio at %d steps %.3f\n", n, p / o }'
done
