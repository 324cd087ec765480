package io.github.vqlc.models.features;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.QuantizerRegistry;
import io.github.vqlc.models.train.TrainedRun;
import java.nio.file.Path;

/** {@code type = encoder}: key {@code path}, a run directory; its newest checkpoint is loaded. */
public final class EncoderExtractorFactory implements FeatureExtractorFactory {

    public static final String TYPE = "encoder";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "encoder + quant_conv of a trained vqlc run: the latents its quantizer sees";
    }

    @Override
    public FeatureExtractor create(Config section, FeatureExtractorContext context) {
        String path = new Values(section, context.section()).string("path");
        if (path.isBlank()) {
            throw new UserException(context.section() + ".path is not set; give the run directory of a trained model");
        }
        Path dir = context.resolve(path);
        NDManager manager = context.manager().newSubManager(context.device());
        try {
            TrainedRun run = TrainedRun.load(dir, manager, QuantizerRegistry.discover());
            int channels = run.model().channels();
            int size = run.model().imageSize();
            if (channels != context.imageChannels() || size != context.imageSize()) {
                throw new UserException("run " + dir + " was trained on " + channels + "x" + size + "x" + size
                        + " images but "
                        + context.section() + " is used on " + context.imageChannels() + "x" + context.imageSize() + "x"
                        + context.imageSize() + " images");
            }
            return new EncoderExtractor(dir, manager, run);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
