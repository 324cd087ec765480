package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.spi.StepContext;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.core.stats.RecentCodes;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step of VQGAN training, shared by {@link VqTrainer} and the training benchmark:
 * generator backward over the micro-batches (gradients summed with weight 1/micro-batches), the
 * generator's Adam update and weight EMA, then, once the GAN term is active, the discriminator's
 * backward on the same real images and detached reconstructions and its Adam update.
 *
 * <p>With several {@link Replicas} every micro-batch is split over them; gradients are reduced into
 * the primary replica, whose optimizers update, and the new weights are broadcast. The
 * first-batch initialization runs once, on the primary with the whole first batch, and is
 * broadcast too, so every replica holds the same parameters after every step.
 */
public final class TrainingStep {

    private final Replicas replicas;
    private final VqganObjective objective;
    private final Adam generatorAdam;
    private final int totalSteps;
    private final Adam discriminatorAdam;
    private final WeightEma ema;
    private RecentCodes recentCodes;

    /**
     * Marks the trainable parameters of every replica for autograd and creates the optimizers (on
     * the primary).
     *
     * @param emaDecay 0 for no weight average
     */
    public TrainingStep(
            Replicas replicas,
            VqganObjective objective,
            NDManager manager,
            double beta1,
            double beta2,
            double adamEps,
            double emaDecay,
            int totalSteps) {
        this.replicas = replicas;
        this.totalSteps = totalSteps;
        this.objective = objective;
        VqAutoencoder model = replicas.primary().model();
        reattachGradients();
        generatorAdam = new Adam(model.getParameters().values(), manager, beta1, beta2, adamEps);
        PatchDiscriminator d = replicas.primary().discriminator();
        discriminatorAdam = d != null && objective.discriminator() != null
                ? new Adam(d.getParameters().values(), manager, beta1, beta2, adamEps)
                : null;
        ema = emaDecay > 0 ? new WeightEma(model, manager, emaDecay) : null;
        model.quantizer().setRowReplacements(generatorAdam::resetRows);
    }

    /** The replicas this step trains (the primary first). */
    public Replicas replicas() {
        return replicas;
    }

    /**
     * Runs the step on {@code microBatches} (each (B, C, S, S) in [-1, 1]); returns the loss terms
     * of the last micro-batch (averaged over replicas), still on the device.
     */
    public Map<String, NDArray> run(List<NDArray> microBatches, int step, double lr, double discriminatorLr) {
        replicas.beginStep(step);
        StepContext context = new StepContext(step, Math.max(step, totalSteps));
        for (Replica r : replicas.all()) {
            r.model().quantizer().beforeStep(context);
        }
        Replica primary = replicas.primary();
        if (step == 1) { // a fresh run: data-dependent initialization from the first batch, on the primary
            NDArray z = primary.model()
                    .latents(primary.ps(), microBatches.get(0), false)
                    .stopGradient();
            if (primary.model().quantizer().initializeFrom(primary.ps(), z)) {
                replicas.broadcastAll(Replica::model);
                if (ema != null) {
                    ema.resync();
                }
            }
        }
        boolean gan = objective.ganActiveAt(step);
        float scale = 1f / microBatches.size();
        List<List<NDArray>> realShards = new ArrayList<>();
        List<List<NDArray>> fakeShards = new ArrayList<>();
        Map<String, NDArray> terms = null;
        for (NDArray images : microBatches) {
            List<NDArray> shards = replicas.split(images);
            List<VqganObjective.GeneratorResult> g = objective.generatorBackward(replicas.all(), shards, gan, scale);
            replicas.applyStateUpdates();
            realShards.add(shards);
            List<NDArray> fakes = new ArrayList<>();
            List<NDArray> indices = new ArrayList<>();
            List<Map<String, NDArray>> replicaTerms = new ArrayList<>();
            for (VqganObjective.GeneratorResult r : g) {
                fakes.add(r.reconstruction());
                indices.add(r.indices());
                replicaTerms.add(r.terms());
            }
            fakeShards.add(fakes);
            terms = meanTerms(replicaTerms);
            if (recentCodes != null) {
                recentCodes.record(
                        LevelCodes.pooled(
                                replicas.gather(indices),
                                primary.model().quantizer().codebookSize()),
                        step);
            }
        }
        replicas.reduceGradients(Replica::model);
        generatorAdam.step(lr);
        replicas.broadcast(Replica::model);
        if (ema != null) {
            ema.update();
        }
        if (gan) {
            // the generator's GAN term left gradients in the discriminators
            discriminatorAdam.zeroGradients();
            replicas.zeroOtherGradients(Replica::discriminator);
            for (int i = 0; i < microBatches.size(); i++) {
                List<Map<String, NDArray>> d =
                        objective.discriminatorBackward(replicas.all(), realShards.get(i), fakeShards.get(i), scale);
                terms.putAll(meanTerms(d));
            }
            replicas.reduceGradients(Replica::discriminator);
            discriminatorAdam.step(discriminatorLr);
            replicas.broadcast(Replica::discriminator);
        }
        return terms;
    }

    /** Each term's mean over the replicas (their shards are equal, so it is the batch's value). */
    private Map<String, NDArray> meanTerms(List<Map<String, NDArray>> perReplica) {
        if (perReplica.size() == 1) {
            return perReplica.get(0);
        }
        Map<String, NDArray> mean = new LinkedHashMap<>();
        for (String key : perReplica.get(0).keySet()) {
            List<NDArray> values = new ArrayList<>();
            perReplica.forEach(t -> values.add(t.get(key)));
            mean.put(key, replicas.mean(values));
        }
        return mean;
    }

    /** The networks and optimizers a checkpoint holds (the primary's). */
    public List<Checkpoints.Part> checkpointParts() {
        List<Checkpoints.Part> parts = new ArrayList<>();
        parts.add(new Checkpoints.Part(Checkpoints.MODEL, replicas.primary().model(), generatorAdam));
        if (discriminatorAdam != null) {
            parts.add(new Checkpoints.Part("discriminator", replicas.primary().discriminator(), discriminatorAdam));
        }
        return parts;
    }

    /**
     * Marks parameters for autograd again (loading a checkpoint replaces the primary's arrays) and
     * copies the primary's parameters to the other replicas.
     */
    public void reattachGradients() {
        for (Replica r : replicas.all()) {
            Adam.attachGradients(r.model());
            if (r.discriminator() != null && objective.discriminator() != null) {
                Adam.attachGradients(r.discriminator());
            }
        }
        replicas.broadcastAll(Replica::model);
        replicas.broadcastAll(Replica::discriminator);
    }

    /** Records every micro-batch's chosen codes into {@code codes} from now on (null: stop). */
    public void recordCodesInto(RecentCodes codes) {
        this.recentCodes = codes;
    }

    /** The weight average, or null. */
    public WeightEma ema() {
        return ema;
    }
}
