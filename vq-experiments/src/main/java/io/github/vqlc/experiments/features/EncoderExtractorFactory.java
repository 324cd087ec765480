package io.github.vqlc.experiments.features;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.experiments.run.TrainedRun;
import java.nio.file.Path;
import java.util.List;

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
        // the run as `vqlc eval` sees it (its averaged weights when it trained with weight EMA), on this device
        TrainedRun run =
                TrainedRun.open(dir, List.of("run.device=" + (context.device().isGpu() ? "gpu" : "cpu")));
        try {
            int channels = run.model().channels();
            int size = run.model().imageSize();
            if (channels != context.imageChannels() || size != context.imageSize()) {
                throw new UserException("run " + dir + " was trained on " + channels + "x" + size + "x" + size
                        + " images but "
                        + context.section() + " is used on " + context.imageChannels() + "x" + context.imageSize() + "x"
                        + context.imageSize() + " images");
            }
            return new EncoderExtractor(dir, run);
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }
}
