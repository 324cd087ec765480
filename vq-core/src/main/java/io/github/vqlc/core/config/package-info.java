/**
 * Typed configuration. HOCON is read once ({@link io.github.vqlc.core.config.ConfigLoader}):
 * module {@code reference.conf} defaults, then the user's file, then {@code -o key=value}
 * overrides; unknown keys and out-of-range values are user errors naming the key and its origin.
 * The result is an immutable {@link io.github.vqlc.core.config.ExperimentConfig}; nothing
 * downstream reads raw {@code Config} except quantizer factories (their own section).
 */
package io.github.vqlc.core.config;
