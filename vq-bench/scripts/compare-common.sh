# Sourced by compare-train.sh and compare-gpt.sh (which set ROOT and NAME first): the checks, the
# environment both programs run in, and the summary lines that end both scripts.
PYTHON="${PYTHON:-/usr/bin/python3}" # Debian's python3-torch, not a pyenv python on PATH

# CONFIG: stops with exit 2 when the config, the build or PyTorch is missing
compare_checks() {
  [[ -f "$1" ]] || { echo "$NAME: no config file $1" >&2; exit 2; }
  if [[ ! -f "$ROOT/vq-bench/target/vq-bench.jar" ]]; then
    echo "$NAME: vqlc is not built; run (cd $ROOT && mvn -q package -DskipTests) first" >&2
    exit 2
  fi
  "$PYTHON" -c "import torch" 2>/dev/null || { echo "$NAME: $PYTHON cannot import torch (apt install python3-torch)" >&2; exit 2; }
}

# both programs: 2 threads, libtorch's AVX2 kernels (as bin/vqlc), bin/vqlc's glibc malloc settings
export OMP_NUM_THREADS=2 VQLC_THREADS=2 DNNL_MAX_CPU_ISA=AVX2
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"

# LOG NAME: the number of the last `NAME <x>` line of LOG
last_figure() {
  local v
  v="$(grep -E "^$2 " "$1" | tail -n 1 | awk '{print $2}')"
  [[ -n "$v" ]] || { echo "$NAME: no $2 line in $1" >&2; exit 1; }
  echo "$v"
}

# RATE OURS_LOG PYTORCH_LOG: both rates and CPU times, the CPU-time ratio, and last the step-time
# ratio (our step time / PyTorch's = PyTorch's rate / ours, same batch)
compare_summary() {
  local ours theirs ocpu pcpu
  ours="$(last_figure "$2" "$1")"
  theirs="$(last_figure "$3" "$1")"
  ocpu="$(last_figure "$2" cpu_ms_per_step)"
  pcpu="$(last_figure "$3" cpu_ms_per_step)"
  echo "ours $1 $ours"
  echo "pytorch $1 $theirs"
  echo "ours cpu_ms_per_step $ocpu"
  echo "pytorch cpu_ms_per_step $pcpu"
  awk -v o="$ocpu" -v p="$pcpu" 'BEGIN { printf "cpu-time ratio ours/pytorch %.3f\n", o / p }'
  awk -v o="$ours" -v p="$theirs" 'BEGIN { printf "pytorch/ours step-time ratio %.3f\n", p / o }'
}
