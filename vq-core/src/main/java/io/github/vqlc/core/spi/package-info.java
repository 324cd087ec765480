/**
 * Extension points. A quantizer is a DJL {@link ai.djl.nn.Block} implementing {@link
 * io.github.vqlc.core.spi.Quantizer}, created by a {@link io.github.vqlc.core.spi.QuantizerFactory}
 * found through {@link java.util.ServiceLoader}: one class, one factory and one line in
 * {@code META-INF/services} in any jar on the classpath, with no change to the framework. Feature
 * extractors (codebook construction, FID) plug in the same way through {@link
 * io.github.vqlc.core.spi.FeatureExtractorFactory}.
 */
package io.github.vqlc.core.spi;
