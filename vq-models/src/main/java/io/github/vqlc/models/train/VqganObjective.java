package io.github.vqlc.models.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.models.gan.AdaptiveWeight;
import io.github.vqlc.models.gan.GanLoss;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.loss.LossConfig;
import io.github.vqlc.models.loss.PerceptualLoss;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The VQGAN training objective and its two backward passes.
 *
 * <p>Generator: L = rec + w_p perceptual + w_q quantizer terms + w_gan lambda G_loss, where
 * rec is l1 or l2, G_loss the generator's GAN loss on the discriminator's logits of the
 * reconstruction, and lambda the adaptive weight ({@link AdaptiveWeight}), a constant in the
 * backward pass. Until the GAN starts, L = rec + w_p perceptual + w_q quantizer terms.
 *
 * <p>How the GAN step avoids extra full backward passes: the reconstruction y is cut from the
 * graph into a leaf y'. rec + perceptual and G_loss are backpropagated separately to y' only
 * (through the frozen perceptual network and the discriminator), giving g_rec and g_gan. lambda
 * follows from those two (see AdaptiveWeight). One backward of
 * sum(y * (g_rec + w_gan lambda g_gan)) + w_q quantizer terms then gives every generator parameter
 * exactly the gradient of L. The discriminator's parameters pick up G_loss gradients on the way;
 * {@link #discriminatorBackward} callers zero them first.
 */
public final class VqganObjective implements AutoCloseable {

    private final TrainConfig train;
    private final LossConfig loss;
    private final PerceptualLoss perceptual;
    private final PatchDiscriminator discriminator;
    private final GanLoss ganLoss;

    /**
     * @param perceptual the perceptual network, or null for none
     * @param discriminator the initialized discriminator, or null when {@code loss.gan} is off
     */
    public VqganObjective(
            TrainConfig train, LossConfig loss, PerceptualLoss perceptual, PatchDiscriminator discriminator) {
        if (loss.gan().enabled() && discriminator == null) {
            throw new IllegalArgumentException("loss.gan.weight > 0 needs a discriminator");
        }
        this.train = train;
        this.loss = loss;
        this.perceptual = loss.perceptual().enabled() ? perceptual : null;
        this.discriminator = loss.gan().enabled() ? discriminator : null;
        this.ganLoss = GanLoss.named(loss.gan().loss());
        if (loss.perceptual().enabled() && perceptual == null) {
            throw new IllegalArgumentException(
                    "loss.perceptual.type " + loss.perceptual().type() + " needs a network");
        }
    }

    /** The discriminator, or null when the GAN term is off. */
    public PatchDiscriminator discriminator() {
        return discriminator;
    }

    /** Whether step (1-based) adds the GAN term and trains the discriminator. */
    public boolean ganActiveAt(int step) {
        return discriminator != null && loss.gan().activeAt(step);
    }

    /** What a generator backward pass leaves: loss terms (on the device) and the detached reconstruction. */
    /** The loss terms, the detached reconstruction and the chosen codes (B, H, W) of a generator pass. */
    public record GeneratorResult(Map<String, NDArray> terms, NDArray reconstruction, NDArray indices) {}

    /**
     * Forward and backward of the generator loss for one (micro-)batch, gradients scaled by
     * {@code scale} (1 / micro-batches when accumulating). Opens its own gradient collector.
     */
    public GeneratorResult generatorBackward(
            ParameterStore ps, VqAutoencoder model, NDArray images, boolean gan, float scale) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            QuantizerOutput q = model.encode(ps, images, true);
            VqAutoencoder.Decoded decoded = model.decodeForLoss(ps, q.quantized(), true);
            NDArray recon = decoded.reconstruction();
            NDArray quantizerTerm = Scalars.mul(q.loss(), (float) train.quantizerWeight());
            NDArray total;
            if (!gan) {
                total = nll(ps, recon, images, terms).add(quantizerTerm);
                gc.backward(Scalars.mul(total, scale));
            } else {
                NDArray leaf = recon.stopGradient();
                leaf.setRequiresGradient(true);
                NDArray nll = nll(ps, leaf, images, terms);
                NDArray gradRec = backwardTo(leaf, nll);
                NDArray gLoss = ganLoss.generator(discriminator.logits(ps, leaf, true));
                NDArray gradGan = backwardTo(leaf, gLoss);
                NDArray lambda = loss.gan().adaptiveWeight()
                        ? AdaptiveWeight.lambda(
                                decoded.lastLayerInput(),
                                lastLayerWeight(ps, model),
                                gradRec,
                                gradGan,
                                loss.gan().maxAdaptiveWeight())
                        : images.getManager().ones(new Shape());
                NDArray ganScale = Scalars.mul(lambda, (float) loss.gan().weight());
                NDArray gradOut = gradRec.add(gradGan.mul(ganScale));
                NDArray surrogate = recon.mul(gradOut).sum().add(quantizerTerm);
                gc.backward(Scalars.mul(surrogate, scale));
                total = nll.add(quantizerTerm).add(gLoss.mul(ganScale));
                terms.put("g_loss", gLoss);
                terms.put("gan_lambda", lambda);
            }
            terms.put("loss", total);
            for (Map.Entry<String, NDArray> e : q.losses().entrySet()) {
                terms.put(e.getKey(), e.getValue());
            }
            return new GeneratorResult(reorder(terms), recon.stopGradient(), q.indices());
        }
    }

    /**
     * Forward and backward of the discriminator loss on real images and detached reconstructions,
     * scaled by {@code scale}; returns d_loss and the mean logits.
     */
    public Map<String, NDArray> discriminatorBackward(ParameterStore ps, NDArray images, NDArray fakes, float scale) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray real = discriminator.logits(ps, images, true);
            NDArray fake = discriminator.logits(ps, fakes, true);
            NDArray dLoss = ganLoss.discriminator(real, fake);
            gc.backward(Scalars.mul(dLoss, scale));
            terms.put("d_loss", dLoss);
            terms.put("logits_real", real.mean());
            terms.put("logits_fake", fake.mean());
        }
        return terms;
    }

    /** rec + w_p perceptual, recording both terms. */
    private NDArray nll(ParameterStore ps, NDArray recon, NDArray images, Map<String, NDArray> terms) {
        NDArray diff = recon.sub(images);
        NDArray rec =
                train.recLoss().equals("l1") ? diff.abs().mean() : diff.square().mean();
        terms.put("rec_" + train.recLoss(), rec);
        if (perceptual == null) {
            return rec;
        }
        NDArray p = perceptual.distance(ps, recon, images);
        terms.put("perceptual", p);
        return rec.add(Scalars.mul(p, (float) loss.perceptual().weight()));
    }

    /** d target / d leaf, copied out, with the leaf's gradient zeroed again. */
    private static NDArray backwardTo(NDArray leaf, NDArray target) {
        NDArray ones = target.getManager().ones(target.getShape());
        TorchOps.backward(target, ones, false);
        NDArray grad = leaf.getGradient().duplicate();
        TorchOps.zeroGradient(leaf);
        return grad;
    }

    private static NDArray lastLayerWeight(ParameterStore ps, VqAutoencoder model) {
        var weight = model.decoderLastLayer().getParameters().get("weight");
        return ps.getValue(weight, weight.getArray().getDevice(), true);
    }

    /** "loss" first, then the other terms in insertion order (log readability). */
    private static Map<String, NDArray> reorder(Map<String, NDArray> terms) {
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        ordered.put("loss", terms.get("loss"));
        terms.forEach(ordered::putIfAbsent);
        return ordered;
    }

    @Override
    public void close() {
        if (perceptual != null) {
            perceptual.close();
        }
    }
}
