package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
 * <p>The workers are daemon threads that run their PyTorch ops single-threaded; the intra-op thread
 * count is a per-thread setting, so the caller's own count (and the default of threads started
 * later) stays what it was: k-means never changes the process's thread settings behind its
 * caller's back. Results do not depend on the number of threads: every row's nearest centre is
 * computed independently.
 */
final class SplitSearch implements AutoCloseable {

    /** Rows per part at least; smaller problems are searched in one piece. */
    private static final long MIN_ROWS_PER_PART = 2048;

    private final NearestCodeSearch search;
    private final int threads;
    private final ExecutorService pool;
    private final ExecutorService driver;

    /**
     * @param threads worker threads; 1 = plain {@link NearestCodeSearch#search} on the caller's
     *     thread, with PyTorch's threads untouched
     * @param cpu whether the points live on the CPU (else the plain search is used)
     */
    SplitSearch(NearestCodeSearch search, int threads, boolean cpu) {
        this.search = search;
        this.threads = cpu ? threads : 1;
        this.pool = this.threads > 1 ? singleThreaded(this.threads, "k-means-search") : null;
        this.driver = this.threads > 1 ? singleThreaded(1, "k-means") : null;
    }

    /**
     * Runs {@code fit} (the k-means steps around the searches: seeding, centroid updates) on a
     * thread of its own with single-threaded PyTorch ops, like the search workers, and waits for
     * it; without worker threads it runs on the caller's thread. So a fit does the same arithmetic
     * whatever thread calls it, and the caller's thread settings are never touched.
     */
    <T> T drive(Supplier<T> fit) {
        if (driver == null) {
            return fit.get();
        }
        return await(driver.submit(fit::get));
    }

    /**
     * {@code n} started daemon threads whose PyTorch ops run on one thread each. PyTorch keeps the
     * count a thread sets as the default of threads that have not run an op yet, so once every
     * worker has set its own, the caller sets its unchanged count again, which restores that
     * default.
     */
    private static ExecutorService singleThreaded(int n, String name) {
        int callers = TorchOps.intraOpThreads();
        CountDownLatch started = new CountDownLatch(n);
        ThreadPoolExecutor workers =
                new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(
                            () -> {
                                // PyTorch initializes a thread's count from the default at its first op;
                                // done first, so the default restored below cannot undo the 1
                                TorchOps.intraOpThreads();
                                TorchOps.setIntraOpThreads(1);
                                started.countDown();
                                task.run();
                            },
                            name);
                    t.setDaemon(true);
                    return t;
                });
        workers.prestartAllCoreThreads();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            throw new IllegalStateException("k-means search threads interrupted while starting", e);
        } finally {
            TorchOps.setIntraOpThreads(callers);
        }
        return workers;
    }

    /** PyTorch's intra-op thread count on the calling thread (the cores it was told to use). */
    static int intraOpThreads() {
        return TorchOps.intraOpThreads();
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
                SearchResult r = await(f);
                indices.add(r.indices());
                distances.add(r.distances());
            }
            NDArray allIndices = NDArrays.concat(indices);
            NDArray allDistances = NDArrays.concat(distances);
            allIndices.attach(parent);
            allDistances.attach(parent);
            return new SearchResult(allIndices, allDistances);
        }
    }

    /** The result of {@code f}, rethrowing what the task threw. */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("k-means interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            driver.shutdownNow();
        }
    }
}
