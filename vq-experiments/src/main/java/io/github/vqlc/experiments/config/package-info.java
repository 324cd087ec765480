/**
 * The whole configuration of a command: {@link io.github.vqlc.experiments.config.ExperimentConfig}
 * composes the typed sections each package owns, loaded once by the core config loader with the
 * quantizer and feature extractor types on the class path.
 */
package io.github.vqlc.experiments.config;
