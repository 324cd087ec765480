package io.github.vqlc.eval.generation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.eval.fid.FeatureStatistics;
import io.github.vqlc.eval.fid.FidExtractors;
import io.github.vqlc.eval.fid.FrechetDistance;
import io.github.vqlc.eval.fid.ReferenceStatisticsCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * gFID: the Frechet distance between extractor features of generated images and those of a
 * reference split (the training split, as generation FIDs are usually reported). Generated images
 * stream in batch by batch ({@link #add}); only their running mean and covariance are kept. The
 * reference statistics come from the same {@link ReferenceStatisticsCache} rFID uses, or one pass
 * over the split computes and stores them.
 */
public final class GenerationFid implements AutoCloseable {

    private final EvalConfig eval;
    private final DataConfig data;
    private final long seed;
    private final FeatureExtractor extractor;
    private final FeatureStatistics generated;
    private FeatureStatistics reference;
    private String referenceSplit;
    private boolean referenceCached;

    private GenerationFid(EvalConfig eval, DataConfig data, long seed, FeatureExtractor extractor) {
        this.eval = eval;
        this.data = data;
        this.seed = seed;
        this.extractor = extractor;
        this.generated = new FeatureStatistics(extractor.globalDim());
    }

    /**
     * Creates the extractor of {@code eval.fid.extractor} (the tokenizer's evaluation settings) and
     * checks, before anything is generated, that {@code count} images are enough for its dimension.
     *
     * @param baseDir relative extractor paths resolve against it
     */
    public static GenerationFid open(
            EvalConfig eval,
            DataConfig data,
            long seed,
            Device device,
            NDManager manager,
            FactoryRegistry<FeatureExtractorFactory> registry,
            Path baseDir,
            long count) {
        if (!eval.hasFidExtractor()) {
            throw new UserException(
                    "gFID needs an FID feature extractor, but the tokenizer's eval.fid.extractor.type is "
                            + EvalConfig.NO_EXTRACTOR
                            + "; set it (e.g. -o eval.fid.extractor.type=feature-net) or drop --gfid");
        }
        FeatureExtractor extractor = FidExtractors.create(eval, data, seed, device, manager, registry, baseDir, "gFID");
        try {
            FrechetDistance.requireEnoughSamples(count, extractor.globalDim(), "generate more images (--count)");
            return new GenerationFid(eval, data, seed, extractor);
        } catch (RuntimeException e) {
            extractor.close();
            throw e;
        }
    }

    /** {@code describe()} of the extractor, reported as {@code fid_extractor}. */
    public String extractorDescription() {
        return extractor.describe();
    }

    /**
     * Loads the statistics of {@code split} from the cache, or computes them in one pass (each
     * batch in its own scope; {@code progress} gets the images done) and stores them.
     *
     * @return true when they came from the cache
     */
    public boolean prepareReference(ImageDataset split, String splitName, NDManager manager, IntConsumer progress) {
        FrechetDistance.requireEnoughSamples(split.size(), extractor.globalDim(), "use a larger reference split");
        String key = ReferenceStatisticsCache.key(data, splitName, split.size(), seed, extractor.fingerprint());
        ReferenceStatisticsCache cache = new ReferenceStatisticsCache(eval.cacheDir());
        var found = cache.find(key);
        referenceSplit = splitName;
        referenceCached = found.isPresent();
        if (found.isPresent()) {
            reference = found.get();
            return true;
        }
        FeatureStatistics stats = new FeatureStatistics(extractor.globalDim());
        int[] done = {0};
        try (BatchLoader loader =
                BatchLoader.builder(split).setBatchSize(eval.batchSize()).build()) {
            loader.forEachBatch(manager, batch -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    stats.add(extractor.globalFeatures(batch.images()));
                }
                done[0] += batch.size();
                if (progress != null) {
                    progress.accept(done[0]);
                }
            });
        }
        cache.store(key, stats);
        reference = stats;
        return false;
    }

    /** Adds a batch of generated images (B, C, H, W) in [-1, 1] (clipped first, as reconstructions for rFID). */
    public void add(NDArray images) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            generated.add(extractor.globalFeatures(images.clip(-1f, 1f)));
        }
    }

    /** Images added so far. */
    public long generatedCount() {
        return generated.count();
    }

    /** The metrics.json keys: gfid, its details and fid_extractor. */
    public Map<String, Object> result() {
        if (reference == null) {
            throw new IllegalStateException("prepareReference first");
        }
        FrechetDistance.Result fid = FrechetDistance.between(reference, generated);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gfid", fid.distance());
        m.put("gfid_regularized", fid.regularized());
        m.put("gfid_images", generated.count());
        m.put("gfid_reference_split", referenceSplit);
        m.put("gfid_reference_images", reference.count());
        m.put("gfid_reference", referenceCached ? "cached" : "computed");
        m.put("fid_extractor", extractor.describe());
        return m;
    }

    @Override
    public void close() {
        extractor.close();
    }
}
