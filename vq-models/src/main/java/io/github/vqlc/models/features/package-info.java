/**
 * Image feature extractors behind the {@link io.github.vqlc.core.spi.FeatureExtractor} SPI, the
 * sources of VQGAN-LC's static codebook (patch features) and of Frechet distances (global
 * features): {@code feature-net}, a small classifier trained in-project that stands in for CLIP
 * and Inception on small datasets; {@code torchscript}, a user-exported network (CLIP ViT-L/14,
 * InceptionV3) run offline; {@code patches}, raw pixel patches. (The {@code encoder} type, the
 * latents of a trained run, is in {@code experiments.features}; pooling features into codebook
 * rows is in {@code quantizers.codebook}.)
 */
package io.github.vqlc.models.features;
