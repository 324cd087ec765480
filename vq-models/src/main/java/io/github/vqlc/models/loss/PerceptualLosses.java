package io.github.vqlc.models.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.DataConfig;
import java.nio.file.Path;
import java.util.Optional;

/** Builds the perceptual network {@code loss.perceptual} names, before training starts. */
public final class PerceptualLosses {

    private PerceptualLosses() {}

    /** The configured network, or empty when the term is off; missing files are user errors. */
    public static Optional<PerceptualLoss> create(
            LossConfig.Perceptual config, Device device, DataConfig data, NDManager manager) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        return switch (config.type()) {
            case "lpips-torchscript" -> {
                if (config.path().isBlank()) {
                    throw new UserException(
                            "loss.perceptual.type = lpips-torchscript needs loss.perceptual.path (a TorchScript file)");
                }
                yield Optional.of(TorchScriptLpips.load(
                        Path.of(config.path()), device, "loss.perceptual.path", "set loss.perceptual.type = none"));
            }
            case "feature-net" ->
                Optional.of(FeatureNetPerceptual.load(
                        Path.of(config.path().isBlank() ? "runs/feature-net" : config.path()),
                        manager,
                        data.channels(),
                        data.imageSize()));
            default -> throw new IllegalStateException(config.type());
        };
    }
}
