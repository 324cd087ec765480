/**
 * Image feature extractors behind the {@link io.github.vqlc.core.spi.FeatureExtractor} SPI, the
 * sources of VQGAN-LC's static codebook (patch features) and of Frechet distances (global
 * features): {@code feature-net}, a small classifier trained in-project that stands in for CLIP
 * and Inception on small datasets; {@code torchscript}, a user-exported network (CLIP ViT-L/14,
 * InceptionV3) run offline; {@code patches}, raw pixel patches; {@code encoder}, the latents of a
 * trained vqlc run. {@link io.github.vqlc.core.ops.PatchPooling} and {@link
 * io.github.vqlc.models.features.FeatureCollector} turn patch maps of a dataset into the rows
 * k-means clusters.
 */
package io.github.vqlc.models.features;
