/**
 * The one nearest-code search of the framework: for each row of a (N, D) float32 matrix, the index
 * of the closest row of a (K, D) codebook under squared Euclidean distance, and that distance.
 * Every quantizer (and codebook k-means) calls {@link io.github.vqlc.core.search.NearestCodeSearch}
 * rather than writing its own {@code argMin} over a full distance matrix, because at
 * VQGAN-LC codebook sizes (K = 100,000) that matrix is gigabytes; the search here works in
 * cache-sized tiles under a memory budget and is several times faster ({@code vqlc bench search},
 * in vq-bench, times it against the full-matrix argmin).
 */
package io.github.vqlc.core.search;
