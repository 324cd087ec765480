#!/usr/bin/env bash
# Our Lloyd k-means (bin/vqlc bench kmeans) against scikit-learn's on the same data and the same
# initial centres. Flags go to `vqlc bench kmeans`, e.g.
#   vq-bench/scripts/compare-kmeans.sh --points 200000 --dim 64 --k 10000 --iters 5 --seed 0
# The last two lines are the time ratio (ours / sklearn, per pass; < 1 = ours faster) and the
# relative inertia difference (ours - sklearn) / sklearn.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [[ ! -f vq-bench/target/vq-bench.jar ]]; then
  echo "== building vqlc (mvn package)"
  mvn -q -B package -DskipTests
fi
ITERS=5
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--iters" ]] && ITERS="${args[$((i + 1))]}"
done
DIR="$(mktemp -d /tmp/compare-kmeans.XXXXXX)"
trap 'rm -rf "$DIR"' EXIT
echo "== ours: bin/vqlc bench kmeans $* --export $DIR"
bin/vqlc bench kmeans "$@" --export "$DIR" | tee "$DIR/ours.txt"
echo "== scikit-learn (OMP_NUM_THREADS=2)"
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 vq-bench/scripts/kmeans_sklearn.py "$DIR" "$ITERS" | tee "$DIR/sklearn.txt"
value() { grep "^$2" "$1" | tail -1 | awk '{print $NF}'; }
ours_t="$(value "$DIR/ours.txt" 'fit seconds / (iterations + 1)')"
ours_lloyd="$(value "$DIR/ours.txt" 'mean seconds per Lloyd iteration')"
ours_i="$(value "$DIR/ours.txt" 'inertia')"
sk_t="$(value "$DIR/sklearn.txt" 'fit seconds / (iterations + 1)')"
ours_c="$(value "$DIR/ours.txt" 'fit CPU seconds / (iterations + 1)')"
sk_c="$(value "$DIR/sklearn.txt" 'fit CPU seconds / (iterations + 1)')"
sk_i="$(value "$DIR/sklearn.txt" 'inertia')"
echo "== comparison"
echo "ours:    ${ours_t} s per pass (${ours_lloyd} s per Lloyd iteration), ${ours_c} CPU s per pass, inertia ${ours_i}"
echo "sklearn: ${sk_t} s per pass, ${sk_c} CPU s per pass, inertia ${sk_i}"
python3 -c "print(f'CPU time ratio ours/sklearn {${ours_c} / ${sk_c}:.3f}')"
python3 -c "print(f'time ratio ours/sklearn {${ours_t} / ${sk_t}:.3f}')"
python3 -c "print(f'relative inertia difference {(${ours_i} - ${sk_i}) / ${sk_i}:+.3e}')"
