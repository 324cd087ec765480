package io.github.vqlc.eval.fid;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.eval.EvalConfig;
import java.nio.file.Path;

/** Creates the FID extractor of {@code eval.fid.extractor}, shared by rFID and gFID. */
public final class FidExtractors {

    private FidExtractors() {}

    /**
     * The configured extractor; a one-line error when it cannot be created or gives no global
     * (per-image) features. The caller checks {@link EvalConfig#hasFidExtractor()} first.
     *
     * @param what the metric needing it, for messages ("rFID", "gFID")
     * @param baseDir relative extractor paths resolve against it
     */
    public static FeatureExtractor create(
            EvalConfig eval,
            DataConfig data,
            long seed,
            Device device,
            NDManager manager,
            FactoryRegistry<FeatureExtractorFactory> registry,
            Path baseDir,
            String what) {
        String type = eval.fidExtractorType();
        FeatureExtractor extractor;
        try {
            var context =
                    new FeatureExtractorContext(data.channels(), data.imageSize(), device, manager, baseDir, seed);
            extractor = eval.fid().create(registry, context);
        } catch (UserException e) {
            throw new UserException(
                    "eval.fid.extractor (type " + type + "): " + e.getMessage()
                            + "; or set eval.fid.extractor.type = none to skip " + what,
                    e);
        }
        if (!extractor.hasGlobalFeatures()) {
            extractor.close();
            throw new UserException("eval.fid.extractor: type " + type + " gives no global (per-image) features;" + " "
                    + what + " needs an extractor that does, or eval.fid.extractor.type = none");
        }
        return extractor;
    }
}
