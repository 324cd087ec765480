#!/usr/bin/env bash
# Training-step speed of vqlc against a PyTorch baseline of the same model and step
# (vq-bench/scripts/pytorch/vqgan_step.py), one after the other on the same machine.
#
#   vq-bench/scripts/compare-train.sh [-c CONFIG] [-o key=value ...] [--steps N] [--warmup W]
#
# Both programs read the same config and the same -o overrides (the PyTorch script reads the few
# keys that shape the model and the step, see its docstring). loss.gan.weight=0.1 and
# loss.gan.start-step=1 are passed to both first (the full VQGAN step: discriminator and adaptive
# weight from step 1, as `vqlc bench train` always runs it); a later -o ... wins.
# Both run with OMP_NUM_THREADS=2 (VQLC_THREADS=2), DNNL_MAX_CPU_ISA=AVX2 and bin/vqlc's glibc
# malloc settings. Builds nothing: run `mvn -q package -DskipTests` first.
#
# Last lines: ours images/s, PyTorch images/s, then
#   pytorch/ours step-time ratio <r>     (= our step time / PyTorch's step time; target <= 1.25)
#   cpu-time ratio ours/pytorch <r>      (CPU time of all threads per step)
# Other work on the machine distorts both figures: run it when the machine is quiet (see uptime).
# On a shared machine, OMP_WAIT_POLICY=PASSIVE vq-bench/scripts/compare-train.sh ... keeps waiting OpenMP
# threads from spinning, and the CPU-time ratio then approximates the work ratio.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONFIG="$ROOT/configs/fashion-mnist/lc.conf"
STEPS=20
WARMUP=3
OVERRIDES=(-o loss.gan.weight=0.1 -o loss.gan.start-step=1)
PYTHON="${PYTHON:-/usr/bin/python3}" # Debian's python3-torch, not a pyenv python on PATH

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--config) CONFIG="$2"; shift 2 ;;
    -o) OVERRIDES+=(-o "$2"); shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-train.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -f "$CONFIG" ]] || { echo "compare-train.sh: no config file $CONFIG" >&2; exit 2; }
if [[ ! -f "$ROOT/vq-bench/target/vq-bench.jar" ]]; then
  echo "compare-train.sh: vqlc is not built; run (cd $ROOT && mvn -q package -DskipTests) first" >&2
  exit 2
fi
"$PYTHON" -c "import torch" 2>/dev/null || { echo "compare-train.sh: $PYTHON cannot import torch (apt install python3-torch)" >&2; exit 2; }

export OMP_NUM_THREADS=2 VQLC_THREADS=2 DNNL_MAX_CPU_ISA=AVX2
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"

last_figure() { # the number of the last `images_per_second <x>` line of a log
  local v
  v="$(grep -E '^images_per_second ' "$1" | tail -n 1 | awk '{print $2}')"
  [[ -n "$v" ]] || { echo "compare-train.sh: no images_per_second line in $1" >&2; exit 1; }
  echo "$v"
}

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== ours: bin/vqlc bench train"
"$ROOT/bin/vqlc" bench train -c "$CONFIG" "${OVERRIDES[@]}" --steps "$STEPS" --warmup "$WARMUP" | tee "$LOGS/ours.txt"
OURS="$(last_figure "$LOGS/ours.txt")"

echo "== pytorch: vq-bench/scripts/pytorch/vqgan_step.py"
"$PYTHON" "$ROOT/vq-bench/scripts/pytorch/vqgan_step.py" -c "$CONFIG" "${OVERRIDES[@]}" --steps "$STEPS" --warmup "$WARMUP" \
  --threads 2 | tee "$LOGS/pytorch.txt"
THEIRS="$(last_figure "$LOGS/pytorch.txt")"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours images_per_second $OURS"
echo "pytorch images_per_second $THEIRS"
# step time = batch / (images/s), same batch: ours / PyTorch's step time = PyTorch's rate / ours
awk -v o="$OURS" -v p="$THEIRS" 'BEGIN { printf "pytorch/ours step-time ratio %.3f\n", p / o }'
OCPU="$(grep -E '^cpu_ms_per_step ' "$LOGS/ours.txt" | tail -n 1 | awk '{print $2}')"
PCPU="$(grep -E '^cpu_ms_per_step ' "$LOGS/pytorch.txt" | tail -n 1 | awk '{print $2}')"
echo "ours cpu_ms_per_step $OCPU"
echo "pytorch cpu_ms_per_step $PCPU"
awk -v o="$OCPU" -v p="$PCPU" 'BEGIN { printf "cpu-time ratio ours/pytorch %.3f\n", o / p }'
