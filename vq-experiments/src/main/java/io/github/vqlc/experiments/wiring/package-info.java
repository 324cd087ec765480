/**
 * Guice wiring. {@link io.github.vqlc.experiments.wiring.ExperimentModule} turns an {@code
 * ExperimentConfig} into a dataset, a quantizer (from the SPI), a model and a trainer; tests swap a
 * binding with {@code Modules.override}. Only this module depends on Guice.
 */
package io.github.vqlc.experiments.wiring;
