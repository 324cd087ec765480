package io.github.vqlc.experiments.wiring;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Named;
import com.google.inject.util.Modules;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.eval.reconstruction.ReconstructionEvaluator;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.loss.PerceptualLoss;
import io.github.vqlc.models.loss.PerceptualLosses;
import io.github.vqlc.models.train.HeldOutEvaluation;
import io.github.vqlc.models.train.Replica;
import io.github.vqlc.models.train.Replicas;
import io.github.vqlc.models.train.VqTrainer;
import io.github.vqlc.models.train.VqganObjective;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds everything a run needs from its typed configuration: device and tensor manager, the
 * train and evaluation splits ({@code @Named("train")}, {@code @Named("eval")}), the quantizer
 * registry and the configured quantizer, the feature extractor registry, the initialized model and
 * its trainer.
 */
public class ExperimentModule extends AbstractModule {

    /** The binding of the quantizer types on the class path. */
    public static final Key<FactoryRegistry<QuantizerFactory>> QUANTIZERS = Key.get(new TypeLiteral<>() {});

    /** The binding of the feature extractor types on the class path. */
    public static final Key<FactoryRegistry<FeatureExtractorFactory>> EXTRACTORS = Key.get(new TypeLiteral<>() {});

    private final ExperimentConfig config;

    public ExperimentModule(ExperimentConfig config) {
        this.config = config;
    }

    /** The injector of {@code config}; {@code overrides} replace bindings of this module (tests). */
    public static Injector injector(ExperimentConfig config, Module... overrides) {
        Module base = new ExperimentModule(config);
        return Guice.createInjector(
                overrides.length == 0 ? base : Modules.override(base).with(overrides));
    }

    @Override
    protected void configure() {
        bind(ExperimentConfig.class).toInstance(config);
    }

    @Provides
    @Singleton
    Device device() {
        return Devices.replicas(config.train().devices(), config.run().device()).get(0);
    }

    @Provides
    @Singleton
    NDManager manager(Device device) {
        return NDManager.newBaseManager(device);
    }

    @Provides
    @Singleton
    FactoryRegistry<QuantizerFactory> registry() {
        return QuantizerFactory.discover();
    }

    /** Feature extractor types on the classpath (for rFID's {@code eval.fid.extractor}). */
    @Provides
    @Singleton
    FactoryRegistry<FeatureExtractorFactory> extractors() {
        return FeatureExtractorFactory.discover();
    }

    @Provides
    @Singleton
    @Named("train")
    ImageDataset trainSet() {
        return Datasets.open(config.data(), Split.TRAIN, config.run().seed());
    }

    /** The split metrics are reported on ({@code eval.split}), limited to {@code eval.limit}. */
    @Provides
    @Singleton
    @Named("eval")
    ImageDataset evalSet(@Named("train") Provider<ImageDataset> train) {
        ImageDataset split = config.eval().split().equals("train")
                ? train.get()
                : Datasets.open(config.data(), Split.TEST, config.run().seed());
        return config.eval().limit() > 0 ? Datasets.limit(split, config.eval().limit()) : split;
    }

    @Provides
    @Singleton
    Quantizer quantizer(FactoryRegistry<QuantizerFactory> registry) {
        return VqAutoencoders.quantizer(
                config.quantizer(), config.model(), config.run().seed(), registry);
    }

    /** The model with freshly initialized parameters, seeded by {@code run.seed}. */
    @Provides
    @Singleton
    VqAutoencoder model(Quantizer quantizer, NDManager manager) {
        return VqAutoencoders.create(config.model(), config.data(), config.run().seed(), quantizer, manager);
    }

    @Provides
    HeldOutEvaluation heldOut(@Named("eval") ImageDataset eval, NDManager manager) {
        ImageDataset slice =
                Datasets.limit(eval, Math.min(eval.size(), config.train().evalLimit()));
        ReconstructionEvaluator evaluator =
                new ReconstructionEvaluator(config.eval().batchSize());
        return (model, ps) -> {
            var r = evaluator.evaluate(model, manager, slice, "held_out", true, null);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("utilization", r.usage().utilization());
            m.put("perplexity", r.usage().perplexity());
            m.put("psnr", r.psnr());
            return m;
        };
    }

    /** The PatchGAN discriminator, initialized (seeded after the model), or empty when loss.gan is off. */
    @Provides
    @Singleton
    Optional<PatchDiscriminator> discriminator(VqAutoencoder model, NDManager manager) {
        if (!config.loss().gan().enabled()) {
            return Optional.empty();
        }
        var data = config.data();
        PatchDiscriminator d = new PatchDiscriminator(config.discriminator());
        d.initialize(manager, DataType.FLOAT32, new Shape(1, data.channels(), data.imageSize(), data.imageSize()));
        return Optional.of(d);
    }

    /** The configured perceptual network, or empty for loss.perceptual.type = none. */
    @Provides
    @Singleton
    Optional<PerceptualLoss> perceptual(Device device, NDManager manager) {
        return PerceptualLosses.create(config.loss().perceptual(), device, config.data(), manager);
    }

    @Provides
    @Singleton
    VqganObjective objective(Optional<PerceptualLoss> perceptual, Optional<PatchDiscriminator> discriminator) {
        return new VqganObjective(config.train(), config.loss(), perceptual.orElse(null), discriminator.orElse(null));
    }

    /**
     * The data parallel replicas of {@code train.devices}: the primary is the model, the discriminator
     * and the perceptual network above; every other replica gets its own, built as they are (the
     * trainer copies the primary's parameters into them), sharing the perceptual network when it is
     * on the primary's device.
     */
    @Provides
    @Singleton
    Replicas replicas(
            VqAutoencoder model,
            VqganObjective objective,
            NDManager manager,
            Device device,
            FactoryRegistry<QuantizerFactory> registry) {
        if (config.train().precision().equals("bf16")) {
            throw new UserException(
                    "train.precision = bf16 is not implemented yet: training runs in fp32 " + "(docs/scaling.md)");
        }
        List<Device> devices =
                Devices.replicas(config.train().devices(), config.run().device());
        int batch = config.train().batchSize();
        if (batch % devices.size() != 0) {
            throw new UserException("train.batch-size = " + batch + " does not split evenly over the " + devices.size()
                    + " devices of train.devices");
        }
        List<Replica> all = new ArrayList<>();
        all.add(objective.replica(model, new ParameterStore(manager, false)));
        for (Device d : devices.subList(1, devices.size())) {
            NDManager m = NDManager.newBaseManager(d);
            Quantizer q = VqAutoencoders.quantizer(
                    config.quantizer(), config.model(), config.run().seed(), registry);
            VqAutoencoder copy = VqAutoencoders.create(
                    config.model(), config.data(), config.run().seed(), q, m);
            PatchDiscriminator disc = objective.discriminator() == null
                    ? null
                    : discriminator(copy, m).orElse(null);
            PerceptualLoss perceptual = objective.perceptual() == null || d.equals(device)
                    ? objective.perceptual()
                    : PerceptualLosses.create(config.loss().perceptual(), d, config.data(), m)
                            .orElse(null);
            all.add(new Replica(copy, disc, perceptual, new ParameterStore(m, false)));
        }
        return new Replicas(all, config.run().seed());
    }

    @Provides
    VqTrainer trainer(
            Replicas replicas,
            VqganObjective objective,
            NDManager manager,
            @Named("train") ImageDataset train,
            @Named("eval") ImageDataset eval,
            HeldOutEvaluation heldOut) {
        return new VqTrainer(
                replicas,
                objective,
                manager,
                config.train(),
                config.discriminator().lrOr(config.train().lr()),
                train,
                eval,
                config.run().dir(),
                config.run().seed(),
                heldOut);
    }
}
