/**
 * k-means clustering on DJL arrays, for building VQGAN-LC's static codebook from pooled image
 * features (global, or per class with the centres of each class in one block of rows). Lloyd
 * iterations (or Sculley's mini-batch variant) run entirely on the points' device: assignment
 * through the tiled {@link io.github.vqlc.core.search.NearestCodeSearch} (on CPU split by rows over
 * Java threads running single-threaded PyTorch ops), centroid sums through the shared scatter-add
 * ({@code core.ops.Segments}) once per iteration. Initial centres: random rows, or k-means++ (exact
 * greedy, or batched candidate sampling for large K). {@code vqlc bench kmeans} (vq-bench) times a
 * Lloyd iteration against scikit-learn's on the same data (vq-bench/scripts/compare-kmeans.sh).
 */
package io.github.vqlc.quantizers.codebook.kmeans;
