#!/usr/bin/env python3
"""scikit-learn's Lloyd k-means on the data `vqlc bench kmeans --export DIR` wrote.

Runs KMeans(n_clusters=K, init=<init.npy>, n_init=1, max_iter=ITERS, tol=0, algorithm="lloyd")
on points.npy with 2 threads and prints seconds per iteration and the final inertia. Like
`vqlc bench kmeans`, sklearn's fit runs ITERS Lloyd iterations plus one final assignment pass
(labels and inertia of the final centres), so "fit seconds / (iterations + 1)" is the comparable
figure; CPU time (all threads) is printed too, as it suffers less from other processes on the
machine than wall time. Usage: OMP_NUM_THREADS=2 /usr/bin/python3 vq-bench/scripts/kmeans_sklearn.py DIR ITERS
"""
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: kmeans_sklearn.py DIR ITERS")
    directory, iters = sys.argv[1], int(sys.argv[2])
    points = np.load(f"{directory}/points.npy")
    init = np.load(f"{directory}/init.npy")
    k = init.shape[0]
    with threadpool_limits(limits=2):
        model = KMeans(n_clusters=k, init=init, n_init=1, max_iter=iters, tol=0, algorithm="lloyd")
        t0 = time.perf_counter()
        c0 = time.process_time()
        model.fit(points)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
    print(f"k-means (scikit-learn {__import__('sklearn').__version__}): N={points.shape[0]} D={points.shape[1]}"
          f" K={k}, {model.n_iter_} Lloyd iterations, dtype {points.dtype}, 2 threads")
    print(f"fit {seconds:.2f} s")
    print(f"fit seconds / (iterations + 1) {seconds / (model.n_iter_ + 1):.3f}")
    print(f"fit CPU seconds / (iterations + 1) {cpu / (model.n_iter_ + 1):.3f}")
    print(f"inertia {model.inertia_:.8e}")


if __name__ == "__main__":
    main()
