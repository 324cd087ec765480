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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** The perceptual network, or null when the perceptual term is off. */
    public PerceptualLoss perceptual() {
        return perceptual;
    }

    /** Whether step (1-based) adds the GAN term and trains the discriminator. */
    public boolean ganActiveAt(int step) {
        return discriminator != null && loss.gan().activeAt(step);
    }

    /** The loss terms, the detached reconstruction and the chosen codes (B, H, W) of a generator pass. */
    public record GeneratorResult(Map<String, NDArray> terms, NDArray reconstruction, NDArray indices) {}

    /** The replica of one device made of this objective's own networks. */
    public Replica replica(VqAutoencoder model, ParameterStore ps) {
        return new Replica(model, discriminator, perceptual, ps);
    }

    /**
     * Forward and backward of the generator loss for one (micro-)batch, gradients scaled by
     * {@code scale} (1 / micro-batches when accumulating). Opens its own gradient collector.
     */
    public GeneratorResult generatorBackward(
            ParameterStore ps, VqAutoencoder model, NDArray images, boolean gan, float scale) {
        return generatorBackward(List.of(replica(model, ps)), List.of(images), gan, scale)
                .get(0);
    }

    /**
     * The generator pass over replicas, each on its shard of one (micro-)batch, with gradients
     * scaled by {@code scale} / replicas so that their sum is the whole batch's gradient. What
     * depends on the whole batch is computed from all shards: the discriminator's BatchNorm
     * statistics and the adaptive weight (from the replicas' mean last-layer gradients), so N
     * replicas compute what one replica computes on the whole batch.
     */
    public List<GeneratorResult> generatorBackward(
            List<Replica> replicas, List<NDArray> shards, boolean gan, float scale) {
        int n = replicas.size();
        float share = scale / n;
        List<Map<String, NDArray>> terms = new ArrayList<>();
        List<QuantizerOutput> outputs = new ArrayList<>();
        List<VqAutoencoder.Decoded> decodeds = new ArrayList<>();
        List<NDArray> quantizerTerms = new ArrayList<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int i = 0; i < n; i++) {
                Replica r = replicas.get(i);
                QuantizerOutput q = r.model().encode(r.ps(), shards.get(i), true);
                outputs.add(q);
                decodeds.add(r.model().decodeForLoss(r.ps(), q.quantized(), true));
                quantizerTerms.add(Scalars.mul(q.loss(), (float) train.quantizerWeight()));
                terms.add(new LinkedHashMap<>());
            }
            if (!gan) {
                for (int i = 0; i < n; i++) {
                    Replica r = replicas.get(i);
                    NDArray recon = decodeds.get(i).reconstruction();
                    NDArray total = nll(r, recon, shards.get(i), terms.get(i)).add(quantizerTerms.get(i));
                    gc.backward(Scalars.mul(total, share));
                    terms.get(i).put("loss", total);
                }
            } else {
                ganBackward(gc, replicas, shards, decodeds, quantizerTerms, terms, share);
            }
            List<GeneratorResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, NDArray> t = terms.get(i);
                t.putAll(outputs.get(i).losses());
                results.add(new GeneratorResult(
                        reorder(t),
                        decodeds.get(i).reconstruction().stopGradient(),
                        outputs.get(i).indices()));
            }
            return results;
        }
    }

    /** The GAN-phase generator backward of every replica (see the class comment for one replica). */
    private void ganBackward(
            GradientCollector gc,
            List<Replica> replicas,
            List<NDArray> shards,
            List<VqAutoencoder.Decoded> decodeds,
            List<NDArray> quantizerTerms,
            List<Map<String, NDArray>> terms,
            float share) {
        int n = replicas.size();
        List<NDArray> leaves = new ArrayList<>(n);
        List<NDArray> nlls = new ArrayList<>(n);
        List<NDArray> gradRec = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NDArray leaf = decodeds.get(i).reconstruction().stopGradient();
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
            NDArray nll = nll(replicas.get(i), leaf, shards.get(i), terms.get(i));
            nlls.add(nll);
            gradRec.add(backwardTo(leaf, nll));
        }
        List<NDArray> logits = PatchDiscriminator.logits(discriminators(replicas), stores(replicas), leaves, true);
        List<NDArray> gLosses = new ArrayList<>(n);
        NDArray gSum = null; // sum over replicas: each leaf's gradient is that of its own shard's mean
        for (NDArray l : logits) {
            NDArray g = ganLoss.generator(l);
            gLosses.add(g);
            NDArray moved = g.toDevice(logits.get(0).getDevice(), false);
            gSum = gSum == null ? moved : gSum.add(moved);
        }
        TorchOps.backward(gSum, gSum.getManager().ones(gSum.getShape()), false);
        List<NDArray> gradGan = new ArrayList<>(n);
        for (NDArray leaf : leaves) {
            gradGan.add(leaf.getGradient().duplicate());
            TorchOps.zeroGradient(leaf);
        }
        NDArray lambda = adaptiveWeight(replicas, decodeds, gradRec, gradGan);
        for (int i = 0; i < n; i++) {
            NDArray lambdaHere = lambda.toDevice(leaves.get(i).getDevice(), false);
            NDArray ganScale = Scalars.mul(lambdaHere, (float) loss.gan().weight());
            NDArray gradOut = gradRec.get(i).add(gradGan.get(i).mul(ganScale));
            NDArray surrogate =
                    decodeds.get(i).reconstruction().mul(gradOut).sum().add(quantizerTerms.get(i));
            gc.backward(Scalars.mul(surrogate, share));
            Map<String, NDArray> t = terms.get(i);
            t.put(
                    "loss",
                    nlls.get(i).add(quantizerTerms.get(i)).add(gLosses.get(i).mul(ganScale)));
            t.put("g_loss", gLosses.get(i));
            t.put("gan_lambda", lambdaHere);
        }
    }

    /** lambda of the whole batch: from the replicas' mean last-layer weight gradients of both terms. */
    private NDArray adaptiveWeight(
            List<Replica> replicas,
            List<VqAutoencoder.Decoded> decodeds,
            List<NDArray> gradRec,
            List<NDArray> gradGan) {
        NDArray first = gradRec.get(0);
        if (!loss.gan().adaptiveWeight()) {
            return first.getManager().ones(new Shape());
        }
        NDArray rec = null;
        NDArray gan = null;
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get(i);
            NDArray[] g = AdaptiveWeight.weightGradients(
                    decodeds.get(i).lastLayerInput(),
                    lastLayerWeight(r.ps(), r.model()),
                    gradRec.get(i),
                    gradGan.get(i));
            NDArray gr = g[0].toDevice(first.getDevice(), false);
            NDArray gg = g[1].toDevice(first.getDevice(), false);
            rec = rec == null ? gr : rec.add(gr);
            gan = gan == null ? gg : gan.add(gg);
        }
        int n = replicas.size();
        if (n > 1) {
            rec = rec.div((float) n);
            gan = gan.div((float) n);
        }
        return AdaptiveWeight.fromWeightGradients(rec, gan, loss.gan().maxAdaptiveWeight());
    }

    /**
     * Forward and backward of the discriminator loss on real images and detached reconstructions,
     * scaled by {@code scale}; returns d_loss and the mean logits.
     */
    public Map<String, NDArray> discriminatorBackward(ParameterStore ps, NDArray images, NDArray fakes, float scale) {
        Replica r = new Replica(null, discriminator, perceptual, ps);
        return discriminatorBackward(List.of(r), List.of(images), List.of(fakes), scale)
                .get(0);
    }

    /**
     * The discriminator pass over replicas, each on its shard of real images and detached
     * reconstructions (BatchNorm over all shards), gradients scaled by {@code scale} / replicas;
     * returns each replica's d_loss and mean logits.
     */
    public List<Map<String, NDArray>> discriminatorBackward(
            List<Replica> replicas, List<NDArray> images, List<NDArray> fakes, float scale) {
        int n = replicas.size();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            List<PatchDiscriminator> ds = discriminators(replicas);
            List<ParameterStore> stores = stores(replicas);
            List<NDArray> real = PatchDiscriminator.logits(ds, stores, images, true);
            List<NDArray> fake = PatchDiscriminator.logits(ds, stores, fakes, true);
            List<Map<String, NDArray>> terms = new ArrayList<>(n);
            NDArray sum = null;
            for (int i = 0; i < n; i++) {
                NDArray dLoss = ganLoss.discriminator(real.get(i), fake.get(i));
                NDArray moved = dLoss.toDevice(real.get(0).getDevice(), false);
                sum = sum == null ? moved : sum.add(moved);
                Map<String, NDArray> t = new LinkedHashMap<>();
                t.put("d_loss", dLoss);
                t.put("logits_real", real.get(i).mean());
                t.put("logits_fake", fake.get(i).mean());
                terms.add(t);
            }
            gc.backward(Scalars.mul(sum, scale / n));
            return terms;
        }
    }

    private static List<PatchDiscriminator> discriminators(List<Replica> replicas) {
        List<PatchDiscriminator> ds = new ArrayList<>(replicas.size());
        replicas.forEach(r -> ds.add(r.discriminator()));
        return ds;
    }

    private static List<ParameterStore> stores(List<Replica> replicas) {
        List<ParameterStore> ps = new ArrayList<>(replicas.size());
        replicas.forEach(r -> ps.add(r.ps()));
        return ps;
    }

    /** rec + w_p perceptual, recording both terms. */
    private NDArray nll(Replica r, NDArray recon, NDArray images, Map<String, NDArray> terms) {
        NDArray diff = recon.sub(images);
        NDArray rec =
                train.recLoss().equals("l1") ? diff.abs().mean() : diff.square().mean();
        terms.put("rec_" + train.recLoss(), rec);
        if (r.perceptual() == null) {
            return rec;
        }
        NDArray p = r.perceptual().distance(r.ps(), recon, images);
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
