package io.github.vqlc.models.features;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import java.nio.file.Path;

/** {@code type = feature-net}: keys {@code path} (directory written by {@code vqlc features train}). */
public final class FeatureNetExtractorFactory implements FeatureExtractorFactory {

    public static final String TYPE = "feature-net";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "in-project CNN classifier (vqlc features train): patch map at S/4 and penultimate global vector";
    }

    @Override
    public FeatureExtractor create(Config section, FeatureExtractorContext context) {
        Path dir = context.resolve(new Values(section, context.section()).string("path"));
        NDManager manager = context.manager().newSubManager(context.device());
        try {
            FeatureNetFiles.Loaded loaded = FeatureNetFiles.load(dir, manager);
            FeatureNet.Architecture a = loaded.net().architecture();
            if (a.channels() != context.imageChannels() || a.imageSize() != context.imageSize()) {
                throw new UserException("feature network at " + dir + " was trained on " + a.channels() + "x"
                        + a.imageSize()
                        + "x" + a.imageSize() + " images but " + context.section() + " is used on "
                        + context.imageChannels() + "x"
                        + context.imageSize() + "x" + context.imageSize() + " images; train one on this data with: "
                        + FeatureNetFiles.trainCommand(dir) + " -o data.image-size=" + context.imageSize()
                        + " -o data.channels=" + context.imageChannels() + " -o features.dir=<another dir>");
            }
            return new FeatureNetExtractor(dir, manager, loaded);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
