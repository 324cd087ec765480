package io.github.vqlc.experiments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.QuantizerConfig;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.experiments.run.RunConfig;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.features.FeatureNetConfig;
import io.github.vqlc.models.gan.DiscriminatorConfig;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.loss.LossConfig;
import io.github.vqlc.models.train.TrainConfig;
import io.github.vqlc.models.vqgan.ModelConfig;
import io.github.vqlc.quantizers.codebook.CodebookConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A whole experiment configuration, read once and validated: the typed record of every section,
 * each owned and read by the package that uses it ({@code run}: {@link RunConfig}, {@code data}:
 * {@link DataConfig}, {@code model}: {@link ModelConfig}, {@code quantizer}: {@link
 * QuantizerConfig}, {@code train}: {@link TrainConfig}, {@code loss}: {@link LossConfig}, {@code
 * discriminator}: {@link DiscriminatorConfig}, {@code eval}: {@link EvalConfig}, {@code gpt}:
 * {@link GptConfig}, {@code diffusion}: {@link DiffusionConfig}, {@code features}: {@link FeatureNetConfig}, {@code codebook}: {@link
 * CodebookConfig}). This class only composes them. {@link #render()} gives the fully resolved HOCON
 * stored as {@code config.conf} in a run directory, from which the run can be replayed.
 */
public final class ExperimentConfig {

    /** The section of the class path's reference that belongs to sweep files, not run configs. */
    private static final String SWEEP_SECTION = "sweep";

    private final RunConfig run;
    private final DataConfig data;
    private final ModelConfig model;
    private final QuantizerConfig quantizer;
    private final TrainConfig train;
    private final LossConfig loss;
    private final DiscriminatorConfig discriminator;
    private final EvalConfig eval;
    private final GptConfig gpt;
    private final DiffusionConfig diffusion;
    private final FeatureNetConfig features;
    private final CodebookConfig codebook;
    private final Config resolved;

    private ExperimentConfig(Config c) {
        this.run = RunConfig.from(c.getConfig("run"));
        this.data = DataConfig.from(c.getConfig("data"));
        this.model = ModelConfig.from(c.getConfig("model"));
        this.quantizer = QuantizerConfig.from(c);
        this.train = TrainConfig.from(c.getConfig("train"));
        this.loss = LossConfig.from(c.getConfig("loss"));
        this.discriminator = DiscriminatorConfig.from(c.getConfig("discriminator"));
        this.eval = EvalConfig.from(c);
        this.gpt = GptConfig.from(c.getConfig("gpt"));
        this.diffusion = DiffusionConfig.from(c.getConfig("diffusion"));
        this.features = FeatureNetConfig.from(c.getConfig("features"));
        this.codebook = CodebookConfig.from(c);
        this.resolved = c;
    }

    /** Loads {@code file} (may be null: defaults only) with {@code overrides} on top. */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        return load(file, ConfigFactory.empty(), overrides);
    }

    /**
     * Loads {@code file} (may be null), then {@code layer} on top of it (e.g. a sweep cell's
     * overrides, keeping their origins for messages), then {@code overrides}.
     */
    public static ExperimentConfig load(Path file, Config layer, List<String> overrides) {
        Config resolved = loader().load(file, layer, overrides);
        try {
            return new ExperimentConfig(resolved);
        } catch (ConfigException e) { // a section read a value Values did not check
            throw new UserException("config: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the {@code config.conf} a command wrote into a run directory, with {@code overrides} on
     * top. Files written before the loader stopped merging the JVM's system properties into the
     * defaults also hold sections such as {@code java} or {@code ai}; top-level keys that no module
     * declares are dropped here, so those runs open as they did.
     */
    public static ExperimentConfig loadWritten(Path file, List<String> overrides) {
        ConfigLoader loader = loader();
        Config written = ConfigLoader.parseFile(file);
        for (String key : written.root().keySet()) {
            if (!loader.sections().contains(key)) {
                written = written.withoutPath(ConfigUtil.joinPath(key));
            }
        }
        return load(null, written, overrides);
    }

    /**
     * The loader of run configs: every module's reference.conf but the sweep section, with the
     * typed sections checked against the quantizer and feature extractor types on the class path.
     */
    static ConfigLoader loader() {
        Set<String> quantizers = QuantizerFactory.discover().types();
        Set<String> extractors = FeatureExtractorFactory.discover().types();
        return ConfigLoader.ofClassPath(List.of(
                        QuantizerConfig.typedSection(quantizers),
                        CodebookConfig.extractorSection(extractors),
                        EvalConfig.fidExtractorSection(extractors)))
                .without(SWEEP_SECTION);
    }

    public RunConfig run() {
        return run;
    }

    public DataConfig data() {
        return data;
    }

    public ModelConfig model() {
        return model;
    }

    public QuantizerConfig quantizer() {
        return quantizer;
    }

    public TrainConfig train() {
        return train;
    }

    public LossConfig loss() {
        return loss;
    }

    public DiscriminatorConfig discriminator() {
        return discriminator;
    }

    public EvalConfig eval() {
        return eval;
    }

    public GptConfig gpt() {
        return gpt;
    }

    public DiffusionConfig diffusion() {
        return diffusion;
    }

    public FeatureNetConfig features() {
        return features;
    }

    public CodebookConfig codebook() {
        return codebook;
    }

    /** The resolved configuration as HOCON, without origin comments. */
    public String render() {
        return resolved.root()
                .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }
}
