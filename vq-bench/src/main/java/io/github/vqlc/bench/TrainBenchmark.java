package io.github.vqlc.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Injector;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.core.stats.RecentCodes;
import io.github.vqlc.core.system.ProcessStatus;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.train.Replicas;
import io.github.vqlc.models.train.TrainingStep;
import io.github.vqlc.models.train.VqganObjective;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vqlc bench train}: full training steps (generator with every configured loss term, then
 * discriminator) of the configured model on random batches of {@code train.batch-size} images,
 * exactly the code {@code vqlc train} runs per step, without data loading. Reports images/s over
 * the timed steps and resident memory along the way (it must stay flat).
 */
public final class TrainBenchmark {

    private TrainBenchmark() {}

    /** @param profile where to write libtorch's operator profile of the timed steps (Chrome trace), or null */
    public static double run(ExperimentConfig config, int warmup, int steps, Path profile, PrintStream out) {
        Injector injector = ExperimentModule.injector(config);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        VqganObjective objective = injector.getInstance(VqganObjective.class);
        NDManager manager = injector.getInstance(NDManager.class);
        Replicas replicas = injector.getInstance(Replicas.class);
        var t = config.train();
        TrainingStep step = new TrainingStep(
                replicas, objective, manager, t.beta1(), t.beta2(), t.adamEps(), t.emaDecay(), t.steps());
        // counted as `vqlc train` counts it, so the step measured is the step trained
        RecentCodes codes = new RecentCodes(manager, LevelCodes.pooledSize(model.quantizer()));
        step.recordCodesInto(codes);
        Shape shape = new Shape(
                t.batchSize(),
                config.data().channels(),
                config.data().imageSize(),
                config.data().imageSize());
        out.printf(
                Locale.ROOT,
                "bench train: %s, batch %d x %d micro-batches, %dx%dx%d images, GAN %s, perceptual %s, %s%n",
                config.quantizer().type(),
                t.batchSize(),
                t.accumulateSteps(),
                shape.get(2),
                shape.get(3),
                shape.get(1),
                objective.discriminator() == null ? "off" : "on (from step 1)",
                config.loss().perceptual().type(),
                replicas.size() == 1 ? "1 replica" : replicas.describe());
        Engine.getInstance().setRandomSeed((int) config.run().seed());
        StepTimer timer = new StepTimer();
        for (int i = 1; i <= warmup + steps; i++) {
            if (i == warmup + 1) {
                if (profile != null) {
                    TorchOps.startProfiler();
                }
                replicas.resetTimings();
                timer.start();
            }
            try (NDScope scope = new NDScope();
                    NDManager sub = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                List<NDArray> micro = new ArrayList<>();
                for (int m = 0; m < t.accumulateSteps(); m++) {
                    micro.add(sub.randomUniform(-1, 1, shape));
                }
                // GAN active from the first step whatever loss.gan.start-step says: the full step is measured
                int ganStep = Math.max(i, config.loss().gan().startStep());
                var terms =
                        step.run(micro, ganStep, t.lr(), config.discriminator().lrOr(t.lr()));
                if (i == warmup + steps) {
                    out.printf(
                            Locale.ROOT, "final loss %.4f%n", terms.get("loss").getFloat());
                }
            }
            if (i == 100 || i == 1000 || i == 2000 || i == 10000 || i == warmup + steps) {
                out.printf(Locale.ROOT, "step %d: resident memory %.0f MiB%n", i, ProcessStatus.residentMiB());
            }
        }
        double seconds = timer.stop();
        if (profile != null) {
            TorchOps.stopProfiler(profile);
            out.println("profile: " + profile + " (the profiler slows the steps; the figures below include it)");
        }
        double ips = (double) steps * t.batchSize() * t.accumulateSteps() / seconds;
        timer.print(out, steps);
        if (replicas.size() > 1) {
            double total = 0;
            StringBuilder parts = new StringBuilder();
            for (var e : replicas.machineryMillis().entrySet()) {
                double ms = e.getValue() / steps;
                total += ms;
                parts.append(String.format(
                        Locale.ROOT, ", %s %.1f", e.getKey().name().toLowerCase(Locale.ROOT), ms));
            }
            out.printf(
                    Locale.ROOT,
                    "replica machinery: %.1f ms/step (%.1f%% of a step%s)%n",
                    total,
                    100 * total / (1000 * seconds / steps),
                    parts);
        }
        out.printf(Locale.ROOT, "images_per_second %.2f%n", ips);
        double recordMs = recordMillisPerStep(manager, codes, steps);
        out.printf(
                Locale.ROOT,
                "code-usage record: %.3f ms/step (%.2f%% of a step)%n",
                recordMs,
                100 * recordMs / (1000 * seconds / steps));
        return ips;
    }

    /** The cost of counting one step's codes, timed alone: the same token count per step, random codes. */
    private static double recordMillisPerStep(NDManager manager, RecentCodes codes, int steps) {
        long tokens = Math.max(1, codes.tokensPerStep());
        long start = System.nanoTime();
        for (int i = 1; i <= steps; i++) {
            try (NDScope scope = new NDScope();
                    NDManager sub = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                codes.record(sub.randomInteger(0, codes.codebookSize(), new Shape(tokens), DataType.INT64), i);
            }
        }
        codes.usedInLast(steps, steps); // waits for the device
        return (System.nanoTime() - start) / 1e6 / steps;
    }
}
