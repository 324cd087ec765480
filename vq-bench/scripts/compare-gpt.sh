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
# Last lines: ours and PyTorch's sequences/s, then
#   ours/pytorch step-time ratio <r>     (= our step time / PyTorch's; the target is <= 0.9)
#   cpu-time ratio ours/pytorch <r>      (CPU time of all threads per step)
# Other work on the machine distorts both figures: run it when the machine is quiet (see uptime).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONFIG="$ROOT/configs/fashion-mnist/gpt.conf"
STEPS=30
WARMUP=3
VOCAB=16384
GRID=8
OVERRIDES=()
PYTHON="${PYTHON:-/usr/bin/python3}" # Debian's python3-torch, not a pyenv python on PATH

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--config) CONFIG="$2"; shift 2 ;;
    -o) OVERRIDES+=(-o "$2"); shift 2 ;;
    --vocab) VOCAB="$2"; shift 2 ;;
    --grid) GRID="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-gpt.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -f "$CONFIG" ]] || { echo "compare-gpt.sh: no config file $CONFIG" >&2; exit 2; }
if [[ ! -f "$ROOT/vq-bench/target/vq-bench.jar" ]]; then
  echo "compare-gpt.sh: vqlc is not built; run (cd $ROOT && mvn -q package -DskipTests) first" >&2
  exit 2
fi
"$PYTHON" -c "import torch" 2>/dev/null || { echo "compare-gpt.sh: $PYTHON cannot import torch (apt install python3-torch)" >&2; exit 2; }

export OMP_NUM_THREADS=2 VQLC_THREADS=2 DNNL_MAX_CPU_ISA=AVX2
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"

last_figure() { # the number of the last `<name> <x>` line of a log
  local v
  v="$(grep -E "^$2 " "$1" | tail -n 1 | awk '{print $2}')"
  [[ -n "$v" ]] || { echo "compare-gpt.sh: no $2 line in $1" >&2; exit 1; }
  echo "$v"
}

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
OURS="$(last_figure "$LOGS/ours.txt" sequences_per_second)"
THEIRS="$(last_figure "$LOGS/pytorch.txt" sequences_per_second)"
echo "ours sequences_per_second $OURS"
echo "pytorch sequences_per_second $THEIRS"
OCPU="$(last_figure "$LOGS/ours.txt" cpu_ms_per_step)"
PCPU="$(last_figure "$LOGS/pytorch.txt" cpu_ms_per_step)"
echo "ours cpu_ms_per_step $OCPU"
echo "pytorch cpu_ms_per_step $PCPU"
awk -v o="$OCPU" -v p="$PCPU" 'BEGIN { printf "cpu-time ratio ours/pytorch %.3f\n", o / p }'
# same batch: our step time / PyTorch's = PyTorch's rate / ours
awk -v o="$OURS" -v p="$THEIRS" 'BEGIN { printf "ours/pytorch step-time ratio %.3f\n", p / o }'
