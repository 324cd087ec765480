package io.github.vqlc.eval.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.core.stats.JointCodes;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.eval.fid.FeatureStatistics;
import io.github.vqlc.eval.metrics.Psnr;
import io.github.vqlc.eval.metrics.Ssim;
import io.github.vqlc.eval.metrics.UnitRange;
import io.github.vqlc.models.loss.TorchScriptLpips;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.function.IntConsumer;

/**
 * Evaluates a model on a split in order, batch by batch, each batch in its own scope. Code usage
 * covers every image; reconstruction metrics decode the same images (the decoder is never run when
 * {@code reconstruct} is false, e.g. for utilization over the training split). Every metric is
 * computed on the device for the whole batch; only per-batch sums cross to the host.
 */
public final class ReconstructionEvaluator {

    /**
     * Which reconstruction metrics besides PSNR and L1 a pass computes.
     *
     * @param psnrChannel rgb or luma PSNR
     * @param ssim SSIM of [0, 1] images, or null
     * @param lpips LPIPS of [-1, 1] images, or null
     * @param extractor global features of reconstructions for rFID, or null
     * @param featurizeOriginals also accumulate the originals' features (no cached reference)
     */
    public record Options(
            Psnr.Channel psnrChannel,
            Ssim ssim,
            TorchScriptLpips lpips,
            FeatureExtractor extractor,
            boolean featurizeOriginals) {

        public static final Options PSNR_ONLY = new Options(Psnr.Channel.RGB, null, null, null, false);
    }

    private final int batchSize;
    private final Options options;

    /** Running sums of one pass. */
    private static final class Totals {
        int images;
        double psnr;
        double l1;
        double ssim;
        double lpips;
    }

    /** PSNR and L1 only (training's periodic held-out check). */
    public ReconstructionEvaluator(int batchSize) {
        this(batchSize, Options.PSNR_ONLY);
    }

    public ReconstructionEvaluator(int batchSize, Options options) {
        this.batchSize = batchSize;
        this.options = options;
    }

    /** @see #evaluate(Tokenizer, NDManager, ImageDataset, String, boolean, IntConsumer) */
    public EvaluationResult evaluate(
            VqAutoencoder model,
            NDManager manager,
            ImageDataset split,
            String splitName,
            boolean reconstruct,
            IntConsumer progress) {
        return evaluate(Tokenizer.of(model), manager, split, splitName, reconstruct, progress);
    }

    /**
     * @param reconstruct false: encode only (code usage); true: also decode and measure
     * @param progress receives the number of images done after each batch (may be null)
     */
    public EvaluationResult evaluate(
            Tokenizer model,
            NDManager manager,
            ImageDataset split,
            String splitName,
            boolean reconstruct,
            IntConsumer progress) {
        ParameterStore ps = new ParameterStore(manager, false);
        CodeUsage usage = new CodeUsage(model.codebookSize() * model.codesPerPosition());
        JointCodes joint =
                model.codesPerPosition() > 1 ? new JointCodes(model.codebookSize(), model.codesPerPosition()) : null;
        Totals totals = new Totals();
        FeatureExtractor extractor = reconstruct ? options.extractor() : null;
        FeatureStatistics recFeatures = extractor == null ? null : new FeatureStatistics(extractor.globalDim());
        FeatureStatistics origFeatures = extractor == null || !options.featurizeOriginals()
                ? null
                : new FeatureStatistics(extractor.globalDim());
        try (BatchLoader loader =
                BatchLoader.builder(split).setBatchSize(batchSize).build()) {
            loader.forEachBatch(manager, batch -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = batch.images();
                    QuantizerOutput q = model.encode(ps, x);
                    usage.add(LevelCodes.pooled(q.indices(), model.codebookSize()));
                    if (joint != null) {
                        joint.add(q.indices().toLongArray());
                    }
                    if (reconstruct) {
                        NDArray raw = model.decode(ps, q.quantized());
                        totals.l1 += raw.sub(x).abs().mean().getFloat() * batch.size();
                        NDArray recon = raw.clip(-1f, 1f);
                        measure(x, recon, totals);
                        if (recFeatures != null) {
                            recFeatures.add(extractor.globalFeatures(recon));
                        }
                        if (origFeatures != null) {
                            origFeatures.add(extractor.globalFeatures(x));
                        }
                    }
                    totals.images += batch.size();
                }
                if (progress != null) {
                    progress.accept(totals.images);
                }
            });
        }
        int n = totals.images;
        // rec_l1 is measured before clipping (the training loss's view); image metrics after it
        boolean measured = reconstruct && n > 0;
        return new EvaluationResult(
                splitName,
                n,
                usage,
                joint,
                measured ? totals.psnr / n : Double.NaN,
                measured ? totals.l1 / n : Double.NaN,
                measured && options.ssim() != null ? totals.ssim / n : Double.NaN,
                measured && options.lpips() != null ? totals.lpips / n : null,
                recFeatures,
                origFeatures);
    }

    /** Adds one batch's per-image PSNR, SSIM and LPIPS; {@code recon} is already clipped to [-1, 1]. */
    private void measure(NDArray x, NDArray recon, Totals totals) {
        NDArray a = UnitRange.of(x);
        NDArray b = UnitRange.of(recon);
        for (double p : Psnr.perImage(a, b, options.psnrChannel())) {
            totals.psnr += p;
        }
        if (options.ssim() != null) {
            totals.ssim += options.ssim().perImage(a, b).sum().getDouble();
        }
        if (options.lpips() != null) {
            totals.lpips += options.lpips()
                    .perImage(x, recon)
                    .sum()
                    .toType(DataType.FLOAT64, false)
                    .getDouble();
        }
    }
}
