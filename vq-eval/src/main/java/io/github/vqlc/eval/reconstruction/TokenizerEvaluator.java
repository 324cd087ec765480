package io.github.vqlc.eval.reconstruction;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.eval.fid.FeatureStatistics;
import io.github.vqlc.eval.fid.FidExtractors;
import io.github.vqlc.eval.fid.FrechetDistance;
import io.github.vqlc.eval.fid.ReferenceStatisticsCache;
import io.github.vqlc.eval.metrics.Psnr;
import io.github.vqlc.eval.metrics.Ssim;
import io.github.vqlc.models.loss.TorchScriptLpips;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole evaluation of a tokenizer as configured by {@code eval}: utilization, perplexity and
 * dead codes (from the reconstruction pass, or from an encoder-only pass over
 * {@code eval.utilization-split}), and PSNR, SSIM, LPIPS, L1 and rFID over the reconstructions of
 * {@code eval.split}. Everything that can fail because of the user (extractor, LPIPS file, too few
 * images for the feature dimension) fails in {@link #open} or {@link #check}, before any pass.
 *
 * <p>rFID compares extractor features of the clipped reconstructions with those of the originals
 * of the same images; the originals' statistics come from the {@link ReferenceStatisticsCache} when
 * present and are otherwise accumulated in the same pass and stored.
 */
public final class TokenizerEvaluator implements AutoCloseable {

    /** Progress of the passes. */
    public interface Listener {
        /** A pass over {@code images} images starts; {@code what} names it. */
        void pass(String what, int images);

        /** {@code done} images of the current pass are finished. */
        void advanced(int done);

        Listener NONE = new Listener() {
            @Override
            public void pass(String what, int images) {}

            @Override
            public void advanced(int done) {}
        };
    }

    /**
     * @param metrics the metrics.json keys of the evaluation
     * @param usage the code counts utilization was computed from (for usage plots)
     */
    public record Report(Map<String, Object> metrics, CodeUsage usage) {}

    private final EvalConfig eval;
    private final DataConfig data;
    private final long seed;
    private final FeatureExtractor extractor;
    private final TorchScriptLpips lpips;
    private final Ssim ssim;
    private final ReferenceStatisticsCache cache;

    private TokenizerEvaluator(
            EvalConfig eval,
            DataConfig data,
            long seed,
            FeatureExtractor extractor,
            TorchScriptLpips lpips,
            Ssim ssim) {
        this.eval = eval;
        this.data = data;
        this.seed = seed;
        this.extractor = extractor;
        this.lpips = lpips;
        this.ssim = ssim;
        this.cache = new ReferenceStatisticsCache(eval.cacheDir());
    }

    /**
     * Creates the feature extractor ({@code eval.fid.extractor}, unless its type is {@code none}),
     * loads LPIPS ({@code eval.lpips.path}, if set) and the SSIM window.
     *
     * @param baseDir relative extractor paths resolve against it
     */
    public static TokenizerEvaluator open(
            EvalConfig eval,
            DataConfig data,
            long seed,
            Device device,
            NDManager manager,
            FactoryRegistry<FeatureExtractorFactory> registry,
            Path baseDir) {
        FeatureExtractor extractor = null;
        TorchScriptLpips lpips = null;
        try {
            if (eval.hasFidExtractor()) {
                extractor = FidExtractors.create(eval, data, seed, device, manager, registry, baseDir, "rFID");
            }
            if (eval.lpipsPath() != null) {
                lpips = TorchScriptLpips.load(
                        baseDir.resolve(eval.lpipsPath()),
                        device,
                        "eval.lpips.path",
                        "set eval.lpips.path = \"\" for none");
            }
            return new TokenizerEvaluator(eval, data, seed, extractor, lpips, new Ssim(manager, data.channels()));
        } catch (RuntimeException e) {
            if (extractor != null) {
                extractor.close();
            }
            throw e;
        }
    }

    /** Fails before any work if {@code split} has fewer images than the extractor has feature dimensions. */
    public void check(ImageDataset split) {
        if (extractor != null) {
            FrechetDistance.requireEnoughSamples(split.size(), extractor.globalDim());
        }
    }

    /** {@code describe()} of the rFID extractor, or null without one. */
    public String fidExtractor() {
        return extractor == null ? null : extractor.describe();
    }

    /**
     * Runs the passes and returns the metrics.json keys they determine.
     *
     * @param split the split reconstruction metrics cover ({@code eval.split}, limited)
     * @param usageSplit the split utilization covers when it differs ({@code eval.utilization-split}),
     *     or null to count it on {@code split}'s reconstruction pass
     */
    public Report evaluate(
            Tokenizer model, NDManager manager, ImageDataset split, ImageDataset usageSplit, Listener listener) {
        check(split);
        String splitName = eval.split();
        String key = extractor == null
                ? null
                : ReferenceStatisticsCache.key(data, splitName, split.size(), seed, extractor.fingerprint());
        Optional<FeatureStatistics> reference = key == null ? Optional.empty() : cache.find(key);
        var options = new ReconstructionEvaluator.Options(
                Psnr.Channel.of(eval.psnrChannel()), ssim, lpips, extractor, reference.isEmpty());
        ReconstructionEvaluator evaluator = new ReconstructionEvaluator(eval.batchSize(), options);

        Map<String, Object> m = new LinkedHashMap<>();
        EvaluationResult usage = null;
        if (usageSplit != null) {
            listener.pass("utilization on " + eval.usageSplit() + " (encoder only)", usageSplit.size());
            usage = evaluator.evaluate(model, manager, usageSplit, eval.usageSplit(), false, listener::advanced);
        }
        listener.pass("reconstruction of " + splitName, split.size());
        EvaluationResult r = evaluator.evaluate(model, manager, split, splitName, true, listener::advanced);
        EvaluationResult counted = usage != null ? usage : r;
        m.put("eval_split", splitName);
        m.put("eval_images", r.images());
        m.putAll(EvaluationResult.usageMetrics(counted.usage(), counted.joint()));
        m.put("utilization_split", counted.split());
        m.put("utilization_images", counted.images());
        m.put("psnr", r.psnr());
        m.put("psnr_channel", eval.psnrChannel());
        m.put("ssim", r.ssim());
        m.put("lpips", r.lpips());
        m.put("rec_l1", r.recL1());
        if (extractor != null) {
            FeatureStatistics ref = reference.orElseGet(() -> {
                cache.store(key, r.originalFeatures());
                return r.originalFeatures();
            });
            FrechetDistance.Result fid = FrechetDistance.between(ref, r.reconstructionFeatures());
            m.put("rfid", fid.distance());
            m.put("rfid_regularized", fid.regularized());
            m.put("rfid_reference", reference.isPresent() ? "cached" : "computed");
        } else {
            m.put("rfid", null);
        }
        m.put("fid_extractor", fidExtractor());
        return new Report(m, counted.usage());
    }

    /** Where reference statistics are cached. */
    public ReferenceStatisticsCache cache() {
        return cache;
    }

    @Override
    public void close() {
        ssim.close();
        if (lpips != null) {
            lpips.close();
        }
        if (extractor != null) {
            extractor.close();
        }
    }
}
