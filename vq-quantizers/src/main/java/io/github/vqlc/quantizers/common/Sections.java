package io.github.vqlc.quantizers.common;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.ops.GradientEstimator;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.AbstractQuantizer;

/** Reads of a quantizer's config section, through the config package's range-checked {@link Values}. */
public final class Sections {

    private Sections() {}

    /** Range-checked reads naming keys {@code quantizer.<key>} and their origin. */
    public static Values of(Config section) {
        return new Values(section, "quantizer");
    }

    /** The shared nearest-code search with the section's memory budget ({@code search-budget-mb}). */
    public static NearestCodeSearch search(Config section) {
        int mb = of(section).intIn("search-budget-mb", 1, 1 << 20);
        return NearestCodeSearch.builder()
                .optMemoryBudgetBytes(mb * 1024L * 1024L)
                .build();
    }

    /** {@code restart-threshold}: uses per forward below which a code restarts (0 = off). */
    public static float restartThreshold(Config section) {
        return (float) of(section).doubleIn("restart-threshold", 0, 1e9);
    }

    /**
     * {@code quantizer} with the section's gradient estimator ({@code gradient = straight-through |
     * rotation}) set: one place for every codebook quantizer's factory.
     */
    public static <Q extends AbstractQuantizer> Q withGradient(Q quantizer, Config section) {
        String name = of(section).oneOf("gradient", "straight-through", "rotation");
        quantizer.setGradientEstimator(GradientEstimator.fromConfig(name));
        return quantizer;
    }
}
