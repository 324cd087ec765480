#!/usr/bin/env bash
# The one-epoch Table 2 protocol (configs/sweeps/fashion-mnist-table2-epoch.conf) with everything it
# needs, from a fresh clone: the build, Fashion-MNIST, the feature network (perceptual loss and
# codebooks), the independent evaluation network (rFID), the codebooks, then the sweep. Every step
# skips what exists and the sweep resumes its cells, so running it again continues where it
# stopped (many hours on 2 CPU cores; run it in parts). With --downstream, the GPT and SiT stages
# (Table 4) run after the cells.
#
#   scripts/table2-epoch.sh [--downstream]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOWNSTREAM=false
[[ "${1:-}" == "--downstream" ]] && DOWNSTREAM=true
date -u +"start %FT%TZ"; git log --oneline -1
mvn -q -B package -DskipTests || exit 1
scripts/fetch-data.sh fashion-mnist || exit 1
[[ -f runs/feature-net/feature-net.params ]] || bin/vqlc features train -c configs/fashion-mnist/feature-net.conf || exit 1
[[ -f runs/eval-net/feature-net.params ]] || bin/vqlc features train -c configs/fashion-mnist/eval-net.conf || exit 1
# the authors' codebooks: random-point seeding, Lloyd to the centre-shift stop (capped at 300 iterations)
for k in 1024 16384 100000; do
  [[ -f runs/codebooks/fashion-mnist-feature-net-paper-$k.npy ]] \
    || bin/vqlc codebook -c configs/fashion-mnist/codebook-paper.conf -o codebook.size=$k -o codebook.kmeans.iterations=300 \
    || exit 1
done
# the codebook-init ablation at 100,000: k-means++ and random features
[[ -f runs/codebooks/fashion-mnist-feature-net-100000.npy ]] \
  || bin/vqlc codebook -c configs/fashion-mnist/codebook.conf -o codebook.size=100000 || exit 1
[[ -f runs/codebooks/fashion-mnist-feature-net-random-features-100000.npy ]] \
  || bin/vqlc codebook -c configs/fashion-mnist/codebook.conf -o codebook.size=100000 -o codebook.init=random-features \
       -o 'codebook.output="runs/codebooks/fashion-mnist-feature-net-random-features-100000.npy"' || exit 1
date -u +"prerequisites done %FT%TZ"
# one thread per cell, two cells at a time: the machine's two cores
VQLC_THREADS=1 bin/vqlc sweep -c configs/sweeps/fashion-mnist-table2-epoch.conf --parallel 2 || exit 1
date -u +"cells done %FT%TZ"
if $DOWNSTREAM; then
  bin/vqlc sweep -c configs/sweeps/fashion-mnist-table2-epoch.conf --parallel 1 -o sweep.downstream.enabled=true || exit 1
  bin/vqlc sweep -c configs/sweeps/fashion-mnist-table2-epoch.conf --parallel 1 -o sweep.downstream.enabled=true \
    -o sweep.downstream.kind=sit || exit 1
  date -u +"downstream done %FT%TZ"
fi
