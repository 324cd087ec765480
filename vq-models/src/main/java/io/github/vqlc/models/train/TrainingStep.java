package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.StepContext;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.core.stats.RecentCodes;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step of VQGAN training, shared by {@link VqTrainer} and the training benchmark:
 * generator backward over the micro-batches (gradients summed with weight 1/micro-batches), the
 * generator's Adam update and weight EMA, then, once the GAN term is active, the discriminator's
 * backward on the same real images and detached reconstructions and its Adam update.
 */
public final class TrainingStep {

    private final VqAutoencoder model;
    private final VqganObjective objective;
    private final Adam generatorAdam;
    private final int totalSteps;
    private final Adam discriminatorAdam;
    private final WeightEma ema;
    private RecentCodes recentCodes;

    /**
     * Marks the trainable parameters of the model and discriminator for autograd and creates
     * their optimizers.
     *
     * @param emaDecay 0 for no weight average
     */
    public TrainingStep(
            VqAutoencoder model,
            VqganObjective objective,
            NDManager manager,
            double beta1,
            double beta2,
            double adamEps,
            double emaDecay,
            int totalSteps) {
        this.model = model;
        this.totalSteps = totalSteps;
        this.objective = objective;
        Adam.attachGradients(model);
        generatorAdam = new Adam(model.getParameters().values(), manager, beta1, beta2, adamEps);
        PatchDiscriminator d = objective.discriminator();
        if (d != null) {
            Adam.attachGradients(d);
            discriminatorAdam = new Adam(d.getParameters().values(), manager, beta1, beta2, adamEps);
        } else {
            discriminatorAdam = null;
        }
        ema = emaDecay > 0 ? new WeightEma(model, manager, emaDecay) : null;
        model.quantizer().setRowReplacements(generatorAdam::resetRows);
    }

    /**
     * Runs the step on {@code microBatches} (each (B, C, S, S) in [-1, 1]); returns the loss terms
     * of the last micro-batch, still on the device.
     */
    public Map<String, NDArray> run(
            ParameterStore ps, List<NDArray> microBatches, int step, double lr, double discriminatorLr) {
        Quantizer quantizer = model.quantizer();
        quantizer.beforeStep(new StepContext(step, Math.max(step, totalSteps)));
        if (step == 1) { // a fresh run: data-dependent initialization from the first batch
            NDArray z = model.latents(ps, microBatches.get(0), false).stopGradient();
            if (quantizer.initializeFrom(ps, z) && ema != null) {
                ema.resync();
            }
        }
        boolean gan = objective.ganActiveAt(step);
        float scale = 1f / microBatches.size();
        List<NDArray> fakes = new ArrayList<>();
        Map<String, NDArray> terms = null;
        for (NDArray images : microBatches) {
            VqganObjective.GeneratorResult g = objective.generatorBackward(ps, model, images, gan, scale);
            terms = g.terms();
            fakes.add(g.reconstruction());
            if (recentCodes != null) {
                recentCodes.record(
                        LevelCodes.pooled(g.indices(), model.quantizer().codebookSize()), step);
            }
        }
        generatorAdam.step(lr);
        if (ema != null) {
            ema.update();
        }
        if (gan) {
            discriminatorAdam.zeroGradients(); // the generator's GAN term left gradients in the discriminator
            for (int i = 0; i < microBatches.size(); i++) {
                terms.putAll(objective.discriminatorBackward(ps, microBatches.get(i), fakes.get(i), scale));
            }
            discriminatorAdam.step(discriminatorLr);
        }
        return terms;
    }

    /** The networks and optimizers a checkpoint holds. */
    public List<Checkpoints.Part> checkpointParts() {
        List<Checkpoints.Part> parts = new ArrayList<>();
        parts.add(new Checkpoints.Part(Checkpoints.MODEL, model, generatorAdam));
        if (discriminatorAdam != null) {
            parts.add(new Checkpoints.Part("discriminator", objective.discriminator(), discriminatorAdam));
        }
        return parts;
    }

    /** Marks parameters for autograd again (loading a checkpoint replaces the arrays). */
    public void reattachGradients() {
        Adam.attachGradients(model);
        if (objective.discriminator() != null) {
            Adam.attachGradients(objective.discriminator());
        }
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
