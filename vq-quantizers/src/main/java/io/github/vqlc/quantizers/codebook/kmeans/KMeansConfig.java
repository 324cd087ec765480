package io.github.vqlc.quantizers.codebook.kmeans;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.search.NearestCodeSearch;

/**
 * The {@code codebook.kmeans} section (defaults and comments in this module's {@code
 * reference.conf}), read once and range-checked.
 *
 * @param init initial centres
 * @param initBatch k-means++ centres per pass over the points (0 = auto; see {@link
 *     KMeans.Builder#optInitBatch})
 * @param iterations most Lloyd iterations (passes over the data in mini-batch mode), a safety cap
 *     the sidecar reports when it is reached
 * @param stop what the tolerance measures
 * @param tolerance the {@code stop} rule's threshold (inertia: relative decrease, 0 = run all
 *     iterations unless no assignment changes; centre-shift: squared sum of the centres' moves)
 * @param miniBatch 0 = full Lloyd; b &gt; 0 = mini-batch k-means with batches of b points
 * @param seedOffset added to {@code run.seed} to seed the k-means draws
 * @param searchBudgetMb memory budget of the nearest-centroid search's distance tiles, MiB
 * @param prune skip the search for points provably still nearest their centre ({@link
 *     KMeans.Builder#optPrune})
 */
public record KMeansConfig(
        KMeans.Init init,
        int initBatch,
        int iterations,
        KMeans.Stop stop,
        double tolerance,
        int miniBatch,
        long seedOffset,
        int searchBudgetMb,
        boolean prune) {

    /** Where the lead's codebook command mounts this section; used in messages. */
    public static final String PATH = "codebook.kmeans";

    /**
     * Reads the section; every bad value is a {@link io.github.vqlc.core.UserException} naming the
     * key {@code codebook.kmeans.<key>}, its value, the allowed range and its origin.
     *
     * @param section the resolved {@code codebook.kmeans} section (reference defaults included)
     */
    public static KMeansConfig from(Config section) {
        Values v = new Values(section, PATH);
        String init = v.oneOf("init", "k-means++", "random");
        return new KMeansConfig(
                init.equals("random") ? KMeans.Init.RANDOM : KMeans.Init.KMEANS_PLUS_PLUS,
                v.intAtLeast("init-batch", 0),
                v.intIn("iterations", 1, 100_000),
                KMeans.Stop.fromConfig(
                        v.oneOf("stop", KMeans.Stop.INERTIA.configName(), KMeans.Stop.CENTRE_SHIFT.configName())),
                v.doubleIn("tolerance", 0, 1),
                v.intAtLeast("mini-batch", 0),
                v.longValue("seed-offset"),
                v.intIn("search-budget-mb", 1, 1 << 20),
                v.bool("prune"));
    }

    /**
     * A {@link KMeans} builder with these settings and K = {@code k}; callers may add an observer.
     *
     * @param runSeed {@code run.seed}; the draws use {@code runSeed + seedOffset}
     */
    public KMeans.Builder builder(int k, long runSeed) {
        return KMeans.builder()
                .setK(k)
                .optInit(init)
                .optInitBatch(initBatch)
                .optMaxIterations(iterations)
                .optStop(stop)
                .optTolerance(tolerance)
                .optMiniBatchSize(miniBatch)
                .optSeed(runSeed + seedOffset)
                .optPrune(prune)
                .optSearch(NearestCodeSearch.builder()
                        .optMemoryBudgetBytes(searchBudgetMb * 1024L * 1024L)
                        .build());
    }
}
