package io.github.vqlc.models.features;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import java.io.IOException;
import java.nio.file.Files;

/**
 * {@code type = torchscript}: keys {@code path}, {@code input-size}, {@code channels}, {@code
 * mean}, {@code std}, {@code output-index}, {@code layout}, {@code class-token}, {@code dim},
 * {@code grid} (see {@link TorchScriptSettings} and docs/pretrained.md).
 */
public final class TorchScriptExtractorFactory implements FeatureExtractorFactory {

    public static final String TYPE = "torchscript";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "user-exported TorchScript image encoder (CLIP ViT-L/14 tokens, InceptionV3 pool3, ...), run offline";
    }

    @Override
    public FeatureExtractor create(Config section, FeatureExtractorContext context) {
        TorchScriptSettings s = TorchScriptSettings.from(section, context.section(), context.baseDir());
        if (!Files.isRegularFile(s.file())) {
            throw new UserException("TorchScript file not found: " + s.file() + " (" + context.section()
                    + ".path); export one as described in docs/pretrained.md");
        }
        if (context.imageChannels() != s.channels() && !(context.imageChannels() == 1 && s.channels() == 3)) {
            throw new UserException(context.section() + ".channels = " + s.channels() + " but the images have "
                    + context.imageChannels() + " channels; only equal counts or grey to 3 channels are supported");
        }
        String sha = ContentHash.of(s.file());
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(s.file())
                .optEngine("PyTorch")
                .optDevice(context.device())
                .optOption("mapLocation", "true") // a GPU-saved export loads on the CPU too
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | EngineException e) {
            throw new UserException("cannot load TorchScript " + s.file() + ": " + firstLine(e.getMessage()), e);
        }
        return new TorchScriptExtractor(s, context.imageChannels(), context.imageSize(), model, sha);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
