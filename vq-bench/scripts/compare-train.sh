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
# Last lines: both images/s and CPU ms per step, then
#   cpu-time ratio ours/pytorch <r>      (CPU time of all threads per step)
#   pytorch/ours step-time ratio <r>     (= our step time / PyTorch's step time; the target is <= 0.9)
# Other work on the machine distorts both figures: run it when the machine is quiet (see uptime).
# On a shared machine, OMP_WAIT_POLICY=PASSIVE vq-bench/scripts/compare-train.sh ... keeps waiting OpenMP
# threads from spinning, and the CPU-time ratio then approximates the work ratio.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME=compare-train.sh
source "$ROOT/vq-bench/scripts/compare-common.sh"
CONFIG="$ROOT/configs/fashion-mnist/lc.conf"
STEPS=20
WARMUP=3
OVERRIDES=(-o loss.gan.weight=0.1 -o loss.gan.start-step=1)

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--config) CONFIG="$2"; shift 2 ;;
    -o) OVERRIDES+=(-o "$2"); shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$NAME: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
compare_checks "$CONFIG"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== ours: bin/vqlc bench train"
"$ROOT/bin/vqlc" bench train -c "$CONFIG" "${OVERRIDES[@]}" --steps "$STEPS" --warmup "$WARMUP" | tee "$LOGS/ours.txt"

echo "== pytorch: vq-bench/scripts/pytorch/vqgan_step.py"
"$PYTHON" "$ROOT/vq-bench/scripts/pytorch/vqgan_step.py" -c "$CONFIG" "${OVERRIDES[@]}" --steps "$STEPS" --warmup "$WARMUP" \
  --threads 2 | tee "$LOGS/pytorch.txt"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
compare_summary images_per_second "$LOGS/ours.txt" "$LOGS/pytorch.txt"
