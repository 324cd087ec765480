package io.github.vqlc.eval.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.eval.metrics.Psnr;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.function.IntConsumer;

/**
 * Evaluates a model on a split in order, batch by batch, each batch in its own scope. Code usage
 * covers every image; reconstruction metrics decode the same images (the decoder is skipped when
 * {@code reconstruct} is false, e.g. for utilization over the training split).
 */
public final class ReconstructionEvaluator {

    private final int batchSize;

    /** Running sums of one pass. */
    private static final class Totals {
        int images;
        double psnr;
        double l1;
    }

    public ReconstructionEvaluator(int batchSize) {
        this.batchSize = batchSize;
    }

    /**
     * @param progress receives the number of images done after each batch (may be null)
     */
    public EvaluationResult evaluate(VqAutoencoder model, NDManager manager, ImageDataset split, String splitName,
            boolean reconstruct, IntConsumer progress) {
        ParameterStore ps = new ParameterStore(manager, false);
        CodeUsage usage = new CodeUsage(model.quantizer().codebookSize());
        Totals totals = new Totals();
        try (BatchLoader loader = BatchLoader.builder(split).setBatchSize(batchSize).build()) {
            loader.forEachBatch(manager, batch -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = batch.images();
                    QuantizerOutput q = model.encode(ps, x, false);
                    usage.add(q.indices());
                    if (reconstruct) {
                        NDArray recon = model.decode(ps, q.quantized(), false);
                        for (double p : Psnr.perImage(x, recon)) {
                            totals.psnr += p;
                        }
                        totals.l1 += recon.sub(x).abs().mean().getFloat() * batch.size();
                    }
                    totals.images += batch.size();
                }
                if (progress != null) {
                    progress.accept(totals.images);
                }
            });
        }
        int images = totals.images;
        double psnrSum = totals.psnr;
        double l1Sum = totals.l1;
        double psnr = reconstruct && images > 0 ? psnrSum / images : Double.NaN;
        double l1 = reconstruct && images > 0 ? l1Sum / images : Double.NaN;
        return new EvaluationResult(splitName, images, usage, psnr, l1);
    }
}
