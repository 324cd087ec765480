package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Nearest-centre search of many points on CPU, split by rows over Java threads that each run
 * PyTorch ops single-threaded (as scikit-learn's chunked Lloyd loop does), instead of one search
 * whose every op forks and joins all intra-op threads. Measured on the shared 2-core machine:
 * 1.5-3x faster when other processes compete for the cores (each fork-join waits for its slowest,
 * possibly descheduled, thread), see docs/benchmarks.md.
 *
 * <p>{@link #byRows} runs any per-row work this way (k-means runs the search, the exact distances
 * and the pruning test of each part in one piece); {@link #searchOthers} finds every centre's
 * nearest other centre.
 *
 * <p>While an instance is open, PyTorch's process-wide intra-op thread count is 1 (it is restored
 * by {@link #close()}): the workers run single-threaded ops, and so do the caller's other ops of
 * the k-means iterations (the centroid update and k-means++, O(N*D)), and any other thread of the
 * process that runs PyTorch ops meanwhile. The workers are daemon threads. Results do not depend
 * on the number of threads: every row's nearest centre is computed independently.
 */
final class SplitSearch implements AutoCloseable {

    /** Rows per part at least; smaller problems are searched in one piece. */
    private static final long MIN_ROWS_PER_PART = 2048;

    private final NearestCodeSearch search;
    private final int threads;
    private final ExecutorService pool;
    private final int threadsBefore;

    /**
     * @param threads worker threads; 1 = plain {@link NearestCodeSearch#search} on the caller's
     *     thread, with PyTorch's threads untouched
     * @param cpu whether the points live on the CPU (else the plain search is used)
     */
    SplitSearch(NearestCodeSearch search, int threads, boolean cpu) {
        this.search = search;
        this.threads = cpu ? threads : 1;
        this.threadsBefore = JniUtils.getNumThreads();
        if (this.threads > 1) {
            JniUtils.setNumThreads(1); // before the workers' first op: they keep 1 thread
        }
        this.pool = this.threads > 1
                ? Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "k-means-search");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** PyTorch's intra-op thread count (the cores it was told to use). */
    static int intraOpThreads() {
        return Math.max(1, JniUtils.getNumThreads());
    }

    /**
     * Every code's nearest other code, as {@link NearestCodeSearch#searchExcludingSelf} with the
     * whole codebook as queries (K &ge; 2); results attached to {@code codes}' manager.
     */
    SearchResult searchOthers(NDArray codes, NDArray codeSqNorms) {
        return byRows(codes, (rows, from) -> search.searchExcludingSelf(rows, codes, codeSqNorms, from));
    }

    /** The underlying search, for use on one thread (inside a {@link PartSearch}). */
    NearestCodeSearch single() {
        return search;
    }

    /**
     * One part's work: a result per row of {@code rows} (rows {@code from ..} of the queries),
     * attached to {@code rows}' manager; runs on a pool thread with single-threaded PyTorch ops.
     */
    interface PartSearch {
        SearchResult apply(NDArray rows, long from);
    }

    /**
     * Runs {@code part} over row ranges of {@code x} on the pool (or over all of {@code x} on the
     * caller's thread when there is one thread or few rows) and concatenates the results, attached
     * to {@code x}'s manager.
     */
    SearchResult byRows(NDArray x, PartSearch part) {
        long n = x.getShape().get(0);
        int parts = (int) Math.min(4L * threads, n / MIN_ROWS_PER_PART);
        if (pool == null || parts < 2) {
            return part.apply(x, 0);
        }
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            List<Future<SearchResult>> futures = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                long from = n * p / parts;
                long to = n * (p + 1) / parts;
                futures.add(pool.submit(() -> {
                    NDArray rows = x.get(new NDIndex().addSliceDim(from, to));
                    rows.attach(scope);
                    return part.apply(rows, from); // attached to scope
                }));
            }
            NDList indices = new NDList();
            NDList distances = new NDList();
            for (Future<SearchResult> f : futures) {
                SearchResult r = f.get();
                indices.add(r.indices());
                distances.add(r.distances());
            }
            NDArray allIndices = NDArrays.concat(indices);
            NDArray allDistances = NDArrays.concat(distances);
            allIndices.attach(parent);
            allDistances.attach(parent);
            return new SearchResult(allIndices, allDistances);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("k-means search interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            JniUtils.setNumThreads(threadsBefore);
        }
    }
}
