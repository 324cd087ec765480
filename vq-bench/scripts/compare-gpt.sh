#!/usr/bin/env bash
# Token-GPT training-step speed of vqlc against a PyTorch baseline of the same model and step
# (vq-bench/scripts/pytorch/gpt_step.py), one after the other on the same machine.
#
#   vq-bench/scripts/compare-gpt.sh [-c CONFIG] [-o key=value ...] [--vocab V] [--grid G] [--steps N] [--warmup W]
#
# Both programs read the same config (default configs/fashion-mnist/gpt.conf) and -o overrides
# (the PyTorch script reads the gpt.* keys that shape the model and the step) and train on random
# token grids of the same shape. Both run with OMP_NUM_THREADS=2 (VQLC_THREADS=2),
# DNNL_MAX_CPU_ISA=AVX2 and bin/vqlc's glibc malloc settings. Builds nothing: run
# `mvn -q package -DskipTests` first.
#
# Last lines: both sequences/s and CPU ms per step, then
#   cpu-time ratio ours/pytorch <r>      (CPU time of all threads per step)
#   pytorch/ours step-time ratio <r>     (= our step time / PyTorch's; the target is <= 0.9)
# Other work on the machine distorts both figures: run it when the machine is quiet (see uptime).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME=compare-gpt.sh
source "$ROOT/vq-bench/scripts/compare-common.sh"
CONFIG="$ROOT/configs/fashion-mnist/gpt.conf"
STEPS=30
WARMUP=3
VOCAB=16384
GRID=8
OVERRIDES=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--config) CONFIG="$2"; shift 2 ;;
    -o) OVERRIDES+=(-o "$2"); shift 2 ;;
    --vocab) VOCAB="$2"; shift 2 ;;
    --grid) GRID="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$NAME: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
compare_checks "$CONFIG"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=(--vocab "$VOCAB" --grid "$GRID" --steps "$STEPS" --warmup "$WARMUP")

echo "== ours: bin/vqlc bench gpt"
"$ROOT/bin/vqlc" bench gpt -c "$CONFIG" ${OVERRIDES[@]+"${OVERRIDES[@]}"} "${ARGS[@]}" | tee "$LOGS/ours.txt"
echo "== pytorch: vq-bench/scripts/pytorch/gpt_step.py"
"$PYTHON" "$ROOT/vq-bench/scripts/pytorch/gpt_step.py" -c "$CONFIG" ${OVERRIDES[@]+"${OVERRIDES[@]}"} "${ARGS[@]}" \
  --threads 2 | tee "$LOGS/pytorch.txt"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
compare_summary sequences_per_second "$LOGS/ours.txt" "$LOGS/pytorch.txt"
