package io.github.vqlc.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.DiffusionRun;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.DiffusionTrainer;
import io.github.vqlc.models.diffusion.DiffusionTransformer;
import io.github.vqlc.models.diffusion.LatentBatches;
import io.github.vqlc.models.diffusion.VelocitySampler;
import io.github.vqlc.models.train.Adam;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code vqlc bench diffusion}: training steps of the configured diffusion transformer on random
 * latents (the step {@code vqlc diffusion train} runs: {@link DiffusionTrainer#trainStep}, AdamW,
 * the weight EMA), then sampling of one batch of latents per requested number of ODE steps with
 * the configured integrator and guidance (the model's work only: no decoding). Its PyTorch peer is
 * {@code vq-bench/scripts/pytorch/diffusion_step.py} ({@code vq-bench/scripts/compare-diffusion.sh}
 * runs both).
 */
public final class DiffusionBenchmark {

    private DiffusionBenchmark() {}

    /** @return training images per second over the timed steps */
    public static double run(
            ExperimentConfig config,
            int channels,
            int grid,
            int classes,
            int warmup,
            int steps,
            int[] sampleSteps,
            PrintStream out) {
        DiffusionConfig d = config.diffusion();
        DiffusionTransformer.Spec spec = d.spec(channels, grid, classes);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) config.run().seed());
            DiffusionTransformer model = new DiffusionTransformer(spec);
            DiffusionRun.initialize(model, manager);
            DiffusionTrainer trainer = new DiffusionTrainer(
                    model, manager, d, null, null, config.run().seed());
            Adam adam = trainer.newOptimizer();
            ParameterStore ps = new ParameterStore(manager, false);
            out.printf(
                    Locale.ROOT,
                    "bench diffusion: depth %d, width %d, %d heads, patch %d, %,d parameters, latents %dx%dx%d"
                            + " (%d tokens), %d classes, batch %d, class dropout %.2f, EMA %s%n",
                    spec.depth(),
                    spec.width(),
                    spec.heads(),
                    spec.patch(),
                    model.parameterCount(),
                    channels,
                    grid,
                    grid,
                    spec.tokens(),
                    classes,
                    d.batchSize(),
                    d.classDropout(),
                    d.emaDecay() > 0 ? String.valueOf(d.emaDecay()) : "off");
            StepTimer timer = new StepTimer();
            for (int i = 1; i <= warmup + steps; i++) {
                if (i == warmup + 1) {
                    timer.start();
                }
                try (NDScope scope = new NDScope();
                        NDManager sub = manager.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    LatentBatches.Batch batch = new LatentBatches.Batch(
                            sub.randomNormal(new Shape(d.batchSize(), channels, grid, grid)),
                            sub.randomInteger(0, classes, new Shape(d.batchSize()), DataType.INT64));
                    NDArray loss = trainer.trainStep(ps, batch);
                    trainer.update(adam, d.lr());
                    if (i == warmup + steps) {
                        out.printf(Locale.ROOT, "final loss %.4f%n", loss.getFloat());
                    }
                }
            }
            double images = (double) steps * d.batchSize() / timer.stop();
            timer.print(out, steps);
            out.printf(Locale.ROOT, "train_images_per_second %.2f%n", images);
            DiffusionConfig.Sampling s = d.sampling();
            for (int n : sampleSteps) {
                VelocitySampler sampler = new VelocitySampler(
                        (x, t, y) -> model.forward(ps, x, t, y, false),
                        s.method(),
                        n,
                        (float) s.guidance(),
                        classes,
                        s.guidedChannels());
                double seconds = 0;
                for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                    try (NDScope scope = new NDScope();
                            NDManager sub = manager.newSubManager()) {
                        scope.suppressNotUsedWarning();
                        NDArray noise = sub.randomNormal(new Shape(s.batchSize(), channels, grid, grid));
                        NDArray y = sub.randomInteger(0, classes, new Shape(s.batchSize()), DataType.INT64);
                        long start = System.nanoTime();
                        sampler.sample(noise, y).toFloatArray(); // waits for the result
                        seconds = (System.nanoTime() - start) / 1e9;
                    }
                }
                out.printf(
                        Locale.ROOT,
                        "sampling %s, %d steps, guidance %.2f: %d latents in %.2f s%n",
                        s.method().name().toLowerCase(Locale.ROOT),
                        n,
                        s.guidance(),
                        s.batchSize(),
                        seconds);
                out.printf(Locale.ROOT, "sample_images_per_second_%d %.2f%n", n, s.batchSize() / seconds);
            }
            return images;
        }
    }
}
