package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.github.vqlc.core.data.DataConfig;
import java.nio.file.Path;

/**
 * A whole experiment, read once and validated. {@link #render()} gives the fully resolved HOCON
 * stored as {@code config.conf} in the run directory, from which the run can be replayed.
 */
public record ExperimentConfig(
        RunConfig run,
        DataConfig data,
        ModelConfig model,
        QuantizerConfig quantizer,
        TrainConfig train,
        LossConfig loss,
        DiscriminatorConfig discriminator,
        EvalConfig eval,
        Config resolved) {

    static ExperimentConfig from(Config c) {
        return new ExperimentConfig(
                RunConfig.from(c.getConfig("run")),
                dataFrom(c.getConfig("data")),
                ModelConfig.from(c.getConfig("model")),
                QuantizerConfig.from(c),
                TrainConfig.from(c.getConfig("train")),
                LossConfig.from(c.getConfig("loss")),
                DiscriminatorConfig.from(c.getConfig("discriminator")),
                EvalConfig.from(c.getConfig("eval"), c),
                c);
    }

    private static DataConfig dataFrom(Config c) {
        Values v = new Values(c, "data");
        String root = v.string("root");
        try {
            return new DataConfig(
                    v.oneOf("name", "fashion-mnist", "mnist", "cifar10", "image-folder", "synthetic"),
                    root.isBlank() ? null : Path.of(root),
                    v.intIn("image-size", 8, 4096),
                    v.intIn("channels", 1, 3),
                    v.bool("augment"),
                    v.intAtLeast("limit", 0));
        } catch (IllegalArgumentException e) {
            throw new io.github.vqlc.core.UserException("data: " + e.getMessage(), e);
        }
    }

    /** The resolved configuration as HOCON, without origin comments. */
    public String render() {
        return resolved.root()
                .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }
}
