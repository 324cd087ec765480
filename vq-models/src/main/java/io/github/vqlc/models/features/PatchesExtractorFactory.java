package io.github.vqlc.models.features;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;

/** {@code type = patches}: keys {@code patch-size} (divides the image size) and {@code global-size} (0 = none). */
public final class PatchesExtractorFactory implements FeatureExtractorFactory {

    public static final String TYPE = "patches";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "raw pixel patches (no pretraining); global features = the image pooled to global-size x global-size";
    }

    @Override
    public FeatureExtractor create(Config section, FeatureExtractorContext context) {
        Values v = new Values(section, context.section());
        int size = context.imageSize();
        int p = v.intIn("patch-size", 1, size);
        if (size % p != 0) {
            throw v.outOfRange("patch-size", p, "a divisor of the image size " + size);
        }
        int g = v.intIn("global-size", 0, size);
        return new PatchesExtractor(context.imageChannels(), size, p, g);
    }
}
