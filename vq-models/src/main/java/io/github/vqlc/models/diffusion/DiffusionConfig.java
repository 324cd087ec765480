package io.github.vqlc.models.diffusion;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code diffusion} section (declared, with comments, in vq-models' reference.conf): the
 * latents to train on, the transformer's shape, the optimizer, class dropout, the weight EMA and
 * the sampler's defaults.
 *
 * @param latents latents file of the training split (null when not set)
 * @param tokenizer tokenizer run directory, or null = the latents file's directory
 * @param normalize standardize each channel with the file's mean and std (sampling undoes it)
 */
public record DiffusionConfig(
        Path latents,
        Path tokenizer,
        boolean normalize,
        int patch,
        int width,
        int depth,
        int heads,
        int steps,
        int batchSize,
        double lr,
        int warmupSteps,
        double beta1,
        double beta2,
        double weightDecay,
        double classDropout,
        double emaDecay,
        int logEvery,
        int checkpointEvery,
        int keepCheckpoints,
        int sampleEvery,
        Sampling sampling) {

    /**
     * How latents are sampled: the ODE integrator, its steps, the guidance scale, how many leading
     * channels guidance applies to (0 = all; the VQGAN-LC authors' SiT/DiT guide only 3), images per
     * batch.
     */
    public record Sampling(
            VelocitySampler.Method method, int steps, double guidance, int guidedChannels, int batchSize) {}

    /** Reads the {@code diffusion} section. */
    public static DiffusionConfig from(Config c) {
        Values v = new Values(c, "diffusion");
        Values s = new Values(c.getConfig("sample"), "diffusion.sample");
        int width = v.intAtLeast("width", 4);
        int heads = v.intAtLeast("heads", 1);
        if (width % heads != 0 || width % 4 != 0) {
            throw new UserException(
                    "diffusion.width = " + width + " must be divisible by 4 and by diffusion.heads = " + heads);
        }
        return new DiffusionConfig(
                v.optionalPath("latents"),
                v.optionalPath("tokenizer"),
                v.bool("normalize"),
                v.intAtLeast("patch", 1),
                width,
                v.intAtLeast("depth", 1),
                heads,
                v.intAtLeast("steps", 1),
                v.intAtLeast("batch-size", 1),
                v.positive("lr"),
                v.intAtLeast("warmup-steps", 0),
                v.doubleIn("beta1", 0, 0.999999),
                v.doubleIn("beta2", 0, 0.999999),
                v.doubleIn("weight-decay", 0, 10),
                v.doubleIn("class-dropout", 0, 1),
                v.doubleIn("ema-decay", 0, 0.999999999),
                v.intAtLeast("log-every", 1),
                v.intAtLeast("checkpoint-every", 1),
                v.intAtLeast("keep-checkpoints", 1),
                v.intAtLeast("sample-every", 0),
                new Sampling(
                        VelocitySampler.Method.valueOf(
                                s.oneOf("method", "euler", "heun").toUpperCase(Locale.ROOT)),
                        s.intAtLeast("steps", 1),
                        s.doubleIn("guidance", 0, 1000),
                        s.intAtLeast("guided-channels", 0),
                        s.intAtLeast("batch-size", 1)));
    }

    /** The latents file, or a user error when {@code diffusion.latents} is not set. */
    public Path requireLatents() {
        if (latents == null) {
            throw new UserException(
                    "diffusion.latents is not set: point it at a latents file from `vqlc latents <tokenizer-run>`");
        }
        return latents;
    }

    /** The tokenizer run directory: {@code diffusion.tokenizer}, else the directory of the latents file. */
    public Path tokenizerDir() {
        return tokenizer != null ? tokenizer : requireLatents().toAbsolutePath().getParent();
    }

    /** The transformer for latents of {@code channels} at {@code grid} x {@code grid} and {@code classes} labels. */
    public DiffusionTransformer.Spec spec(int channels, int grid, int classes) {
        if (grid % patch != 0) {
            throw new UserException("diffusion.patch = " + patch + " does not divide the latent grid " + grid);
        }
        return new DiffusionTransformer.Spec(channels, grid, patch, width, depth, heads, classes);
    }
}
