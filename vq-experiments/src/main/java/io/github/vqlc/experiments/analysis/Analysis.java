package io.github.vqlc.experiments.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.eval.analysis.AnalysisPlots;
import io.github.vqlc.eval.analysis.Bin;
import io.github.vqlc.eval.analysis.ClassUsage;
import io.github.vqlc.eval.analysis.DeadCodes;
import io.github.vqlc.eval.analysis.Quantiles;
import io.github.vqlc.eval.analysis.Rarefaction;
import io.github.vqlc.eval.analysis.Verdict;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.train.VqTrainer;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vqlc analyze <run-dir>}: why the run's tokenizer uses the codes it uses. One encoder-only
 * pass over a split (its codes, labels and a sample of latents), the codes in the latent space,
 * three nearest-neighbour searches, the codebook's sidecar when the quantizer reads a codebook
 * file, then {@code analysis.json}, {@code analysis.md} and {@code analysis-*.png} in the run
 * directory. Definitions: docs/analysis.md.
 */
public final class Analysis {

    /** Latent vectors sampled for the coverage searches (LlamaGen's window size). */
    public static final int DEFAULT_LATENTS = VqTrainer.WINDOW_TOKENS;

    /**
     * @param split the split counted (train: as the paper counts utilization)
     * @param limit its first images only (0 = all)
     * @param latentSample latent vectors sampled for the coverage searches
     */
    public record Request(Path runDir, Split split, int limit, int latentSample, List<String> overrides) {}

    private Analysis() {}

    public static Map<String, Object> run(Request r, PrintStream out) {
        try (TrainedRun run = TrainedRun.open(r.runDir(), r.overrides())) {
            return analyze(run, r, out);
        }
    }

    private static Map<String, Object> analyze(TrainedRun run, Request r, PrintStream out) {
        ExperimentConfig config = run.config();
        VqAutoencoder model = run.model();
        NDManager manager = run.manager();
        ParameterStore ps = new ParameterStore(manager, false);
        long seed = config.run().seed();
        ImageDataset data = Datasets.open(config.data(), r.split(), seed);
        if (r.limit() > 0) {
            data = Datasets.limit(data, Math.min(r.limit(), data.size()));
        }
        int k = model.quantizer().codebookSize();
        if (model.quantizer().codesPerPosition() > 1) {
            // dead codes against cluster sizes and coverage read one codebook's geometry per position
            throw new UserException("analyze reads one code per latent position; this "
                    + model.quantizer().type()
                    + " tokenizer emits " + model.quantizer().codesPerPosition()
                    + " (its per-level utilization is in vqlc eval)");
        }
        out.printf(
                Locale.ROOT,
                "analyzing %s (%s, K = %,d, checkpoint step %d) over %s%n",
                config.run().name(),
                model.quantizer().type(),
                k,
                run.checkpoint().step(),
                data.describe());
        EncodedSplit enc =
                EncodedSplit.encode(model, manager, ps, data, config.eval().batchSize(), r.latentSample(), seed, out);
        CodeUsage counts = new CodeUsage(k);
        counts.add(enc.codes());
        long[] usage = new long[k];
        for (int i = 0; i < k; i++) {
            usage[i] = counts.count(i);
        }
        int used = counts.used();
        List<Rarefaction.Point> curve = Rarefaction.curve(enc.codes(), enc.order(), enc.tokensPerImage(), k);
        double chao1 = Rarefaction.chao1(usage);

        float[] codes = codeVectors(model, ps, manager, k);
        int dim = enc.dim();
        float[] norms = new float[k];
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += codes[i * dim + j] * codes[i * dim + j];
            }
            norms[i] = (float) Math.sqrt(s);
        }
        out.printf(
                Locale.ROOT,
                "coverage: nearest code of %,d latents, nearest latent of %,d codes, nearest other code%n",
                enc.latentCount(),
                k);
        Coverage coverage = Coverage.of(manager, enc.latents(), codes, dim);
        boolean[] alive = new boolean[k];
        for (int i = 0; i < k; i++) {
            alive[i] = usage[i] > 0;
        }

        AnalysisReport report =
                new AnalysisReport(config.run().name(), model.quantizer().type(), k, r.split());
        Optional<CodebookSidecar> sidecar = sidecar(config, manager, report);
        List<Bin> clusterBins = sidecar.map(CodebookSidecar::clusterSizes)
                .map(sizes -> DeadCodes.byClusterSize(usage, sizes))
                .orElse(List.of());
        List<DeadCodes.Block> blocks = sidecar.map(CodebookSidecar::blocks).orElse(List.of());
        List<Bin> blockBins = DeadCodes.byBlock(usage, blocks);
        List<Bin> normBins = DeadCodes.byDecile(usage, norms);
        ClassUsage classes =
                ClassUsage.of(enc.codes(), enc.labels(), enc.tokensPerImage(), k, data.numClasses(), blocks);
        float[] deadDistances = Quantiles.select(coverage.codeToLatent(), alive, false);
        float[] usedDistances = Quantiles.select(coverage.codeToLatent(), alive, true);
        Map<String, Double> deadToLatent = Quantiles.of(deadDistances);
        Map<String, Double> usedToLatent = Quantiles.of(usedDistances);
        Verdict verdict = new Verdict(
                k,
                used,
                chao1,
                Rarefaction.lastDoublingGain(curve),
                clusterBins,
                blockBins,
                deadToLatent,
                usedToLatent);

        report.counting(enc.images(), (long) enc.images() * enc.tokensPerImage(), used, chao1, curve);
        report.deadCodes(clusterBins, blockBins, normBins);
        report.coverage(
                Quantiles.of(coverage.latentToCode()),
                usedToLatent,
                deadToLatent,
                Quantiles.of(coverage.codeToCode()),
                enc.latentCount());
        report.classes(classes, data.numClasses());
        report.verdict(verdict.findings());

        Path dir = run.config().run().dir();
        String label = config.run().name();
        AnalysisPlots.rarefaction(dir.resolve("analysis-rarefaction.png"), curve, chao1, k, label);
        if (!clusterBins.isEmpty()) {
            AnalysisPlots.deadCodes(dir.resolve("analysis-dead-codes.png"), clusterBins, "k-means cluster size", label);
        } else {
            AnalysisPlots.deadCodes(dir.resolve("analysis-dead-codes.png"), normBins, "code norm decile", label);
        }
        Map<String, float[]> curves = new LinkedHashMap<>();
        curves.put("latent -> nearest code", coverage.latentToCode());
        curves.put("used code -> nearest latent", usedDistances);
        curves.put("dead code -> nearest latent", deadDistances);
        curves.put("code -> nearest other code", coverage.codeToCode());
        AnalysisPlots.coverage(dir.resolve("analysis-coverage.png"), curves, label);
        report.write(dir, out);
        return report.json();
    }

    /** Every code as the decoder receives it: lookup of 0..K-1, (K, D) row-major. */
    private static float[] codeVectors(VqAutoencoder model, ParameterStore ps, NDManager manager, int k) {
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.arange(0, k, 1, DataType.INT64).reshape(k, 1, 1);
            NDArray v = model.quantizer().lookup(ps, ids); // (K, D, 1, 1)
            return v.reshape(new Shape(k, v.getShape().get(1))).toFloatArray();
        }
    }

    /** The sidecar of the quantizer's codebook file, when it has one; notes say what is skipped. */
    private static Optional<CodebookSidecar> sidecar(
            ExperimentConfig config, NDManager manager, AnalysisReport report) {
        var q = config.quantizer().section();
        boolean file =
                q.hasPath("codebook.init") && q.getString("codebook.init").equals("file");
        if (!file) {
            report.notes()
                    .add("The quantizer builds its own codebook (no codebook file): the dead-code breakdown by"
                            + " k-means cluster size and by class block is skipped.");
            return Optional.empty();
        }
        Path codebook = Path.of(q.getString("codebook.path").trim());
        Optional<CodebookSidecar> side = CodebookSidecar.of(codebook, manager);
        if (side.isEmpty()) {
            report.notes()
                    .add("No sidecar next to the codebook file " + codebook
                            + " (not written by `vqlc codebook`): the breakdown by cluster size and class block is"
                            + " skipped.");
        } else if (side.get().clusterSizes() == null) {
            report.notes()
                    .add("The codebook's sidecar has no cluster sizes (built before they were recorded, or not by"
                            + " k-means): the breakdown by cluster size is skipped.");
        }
        return side;
    }
}
