package io.github.vqlc.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code vqlc bench quantize}: forward + backward of every quantizer type on the same batch of
 * random latents, in one process: its time per batch next to {@code vq}'s and its peak extra
 * resident memory ({@link PeakRss}). Each type is built from the defaults of its config section
 * with {@code codebook-size} = K and {@code model.embed-dim} = D, except {@code fsq}, whose levels
 * fix both (the authors' grid nearest K: [8, 5, 5, 5] 1,000, [8, 8, 8, 6, 5] 15,360, [8, 8, 8, 5, 5,
 * 5] 64,000) and the sign quantizers {@code lfq} and {@code bsq}, whose bits fix both (2^d nearest
 * K). A type its defaults cannot build at that size is listed as skipped with the reason.
 * The backward pass is that of mean(z_q^2) + the quantizer's loss, so every trainable part (encoder
 * side and codebook) gets gradient.
 */
final class QuantizeBenchmark {

    private static final int[][] FSQ_LEVELS = {{8, 5, 5, 5}, {8, 8, 8, 6, 5}, {8, 8, 8, 5, 5, 5}};

    /** One type's figures; {@code skipped} holds the reason when it was not run. */
    record Row(String type, int codes, int dim, double millis, double peakMiB, String skipped) {}

    private QuantizeBenchmark() {}

    static List<Row> run(List<String> types, int codes, int dim, int tokens, int warmup, int steps, PrintStream out) {
        List<String> order = new ArrayList<>(types);
        order.remove("vq");
        order.add(0, "vq"); // the reference row
        int side = (int) Math.round(Math.sqrt(tokens / 32.0));
        int batch = Math.max(1, tokens / (side * side));
        out.printf(
                Locale.ROOT,
                "bench quantize: K = %,d, D = %d, %d x %dx%d latents per batch, %d timed steps%n",
                codes,
                dim,
                batch,
                side,
                side,
                steps);
        List<Row> rows = new ArrayList<>();
        for (String type : order) {
            rows.add(one(type, codes, dim, batch, side, warmup, steps));
        }
        double vqMs = rows.get(0).millis();
        for (Row r : rows) {
            if (r.skipped() != null) {
                out.printf(Locale.ROOT, "%-6s skipped: %s%n", r.type(), r.skipped());
            } else {
                out.printf(
                        Locale.ROOT,
                        "%-6s K=%,d D=%d: %.2f ms/batch (%.2fx vq), peak extra memory %.1f MiB%n",
                        r.type(),
                        r.codes(),
                        r.dim(),
                        r.millis(),
                        r.millis() / vqMs,
                        r.peakMiB());
            }
        }
        return rows;
    }

    private static Row one(String type, int codes, int dim, int batch, int side, int warmup, int steps) {
        List<String> keys = new ArrayList<>(List.of("quantizer.type=" + type));
        int k = codes;
        int d = dim;
        if (type.equals("fsq")) {
            int[] levels = nearestFsq(codes);
            k = Arrays.stream(levels).reduce(1, (a, b) -> a * b);
            d = levels.length;
            keys.add("quantizer.levels=" + Arrays.toString(levels));
        } else if (type.equals("lfq") || type.equals("bsq")) {
            d = (int) Math.round(Math.log(codes) / Math.log(2)); // one bit per latent dimension
            k = 1 << d;
        }
        keys.add("quantizer.codebook-size=" + k);
        keys.add("model.embed-dim=" + d);
        Quantizer q;
        try (NDManager m = NDManager.newBaseManager()) {
            try {
                ExperimentConfig c = ExperimentConfig.load(null, keys);
                q = VqAutoencoders.quantizer(c.quantizer(), c.model(), 0, QuantizerFactory.discover());
                q.initialize(m, DataType.FLOAT32, new Shape(batch, d, side, side));
            } catch (UserException | IllegalArgumentException e) {
                return new Row(type, k, d, Double.NaN, Double.NaN, e.getMessage());
            }
            for (Parameter p : q.getParameters().values()) {
                if (p.requiresGradient()) {
                    p.getArray().setRequiresGradient(true);
                }
            }
            Engine.getInstance().setRandomSeed(0);
            NDArray z = m.randomNormal(new Shape(batch, d, side, side));
            ParameterStore ps = new ParameterStore(m, false);
            final Quantizer quantizer = q;
            Runnable step = () -> {
                try (NDScope scope = new NDScope();
                        NDManager sub = m.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = z.duplicate();
                    x.attach(sub);
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        QuantizerOutput o = quantizer.quantize(ps, x, true);
                        gc.backward(o.quantized().square().mean().add(o.loss()));
                    }
                    x.getGradient().sum().getFloat(); // waits for the device
                }
            };
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            double ms = (System.nanoTime() - start) / 1e6 / steps;
            PeakRss.Measurement peak = PeakRss.measure(step);
            return new Row(type, k, d, ms, peak.peakExtraBytes() / (1024.0 * 1024.0), null);
        }
    }

    /** The authors' FSQ grid whose code count is nearest {@code codes} (in log scale). */
    static int[] nearestFsq(int codes) {
        int[] best = FSQ_LEVELS[0];
        double bestDistance = Double.MAX_VALUE;
        for (int[] levels : FSQ_LEVELS) {
            double k = Arrays.stream(levels).reduce(1, (a, b) -> a * b);
            double distance = Math.abs(Math.log(k) - Math.log(codes));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = levels;
            }
        }
        return best;
    }
}
