package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.models.generation.ClassImageSampler;
import io.github.vqlc.models.vqgan.VqAutoencoder;

/**
 * Generated images from a {@link DiffusionTransformer}: noise (B, D, H, W) integrated to latents by
 * a {@link VelocitySampler}, taken back from the standardized space the model was trained in, then
 * decoded by the tokenizer through its quantizer ({@link VqAutoencoder#decodeLatents}), as the
 * VQGAN-LC authors decode their SiT and DiT samples.
 */
public final class LatentImageGenerator implements ClassImageSampler {

    private final DiffusionTransformer model;
    private final VqAutoencoder tokenizer;
    private final NDManager manager;
    private final DiffusionConfig.Sampling options;
    private final float[] mean;
    private final float[] std;

    /**
     * @param mean per-channel mean the latents were standardized with, or null (raw latents)
     * @param std per-channel std, or null
     * @throws UserException when the tokenizer's latents differ from the model's
     */
    public LatentImageGenerator(
            DiffusionTransformer model,
            VqAutoencoder tokenizer,
            NDManager manager,
            DiffusionConfig.Sampling options,
            float[] mean,
            float[] std) {
        DiffusionTransformer.Spec s = model.spec();
        int d = tokenizer.quantizer().embeddingDim();
        if (d != s.channels() || tokenizer.gridSide() != s.grid()) {
            throw new UserException("the tokenizer makes " + d + " channels at " + tokenizer.gridSide() + "x"
                    + tokenizer.gridSide() + " but the diffusion model was trained on " + s.channels() + " at "
                    + s.grid() + "x" + s.grid());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.options = options;
        this.mean = mean;
        this.std = std;
    }

    public DiffusionTransformer.Spec spec() {
        return model.spec();
    }

    public DiffusionConfig.Sampling options() {
        return options;
    }

    @Override
    public int classes() {
        return model.spec().classes();
    }

    @Override
    public void generate(int[] classes, int count, int batchSize, long seed, Sink sink) {
        DiffusionTransformer.Spec s = model.spec();
        int[] all = ClassImageSampler.labels(classes, count, s.classes());
        ParameterStore ps = new ParameterStore(manager, false);
        VelocitySampler sampler = new VelocitySampler(
                (x, t, y) -> model.forward(ps, x, t, y, false),
                options.method(),
                options.steps(),
                (float) options.guidance(),
                s.classes(),
                options.guidedChannels());
        ClassImageSampler.inBatches(all, batchSize, seed, manager, (sub, ids, labels) -> {
            NDArray noise = sub.randomNormal(new Shape(labels.length, s.channels(), s.grid(), s.grid()));
            NDArray latents = unstandardized(sampler.sample(noise, ids));
            VqAutoencoder.Output decoded = tokenizer.decodeLatents(ps, latents);
            sink.accept(
                    decoded.reconstruction().clip(-1f, 1f),
                    labels,
                    decoded.quantized().indices());
        });
    }

    /** Latents in the tokenizer's space: x std + mean per channel (x itself without statistics). */
    NDArray unstandardized(NDArray x) {
        if (mean == null) {
            return x;
        }
        NDManager m = x.getManager();
        Shape perChannel = new Shape(1, mean.length, 1, 1);
        return x.mul(m.create(std).reshape(perChannel)).add(m.create(mean).reshape(perChannel));
    }
}
