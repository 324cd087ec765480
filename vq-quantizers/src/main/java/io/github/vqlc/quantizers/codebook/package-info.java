/**
 * Building VQGAN-LC's static codebook, all in one place: {@link
 * io.github.vqlc.quantizers.codebook.FeatureCollector} pools patch features of a split from a
 * configured extractor to a small grid per image, {@link
 * io.github.vqlc.quantizers.codebook.kmeans.KMeans} clusters them (per class or over all), and
 * {@link io.github.vqlc.quantizers.codebook.CodebookBuilder} runs the pipeline its {@link
 * io.github.vqlc.quantizers.codebook.CodebookConfig} describes and writes the {@code .npy} with a
 * {@code .json} sidecar that records how it was made. The CLI only calls the builder.
 */
package io.github.vqlc.quantizers.codebook;
