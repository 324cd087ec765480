package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.vqlc.core.concurrent.Futures;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
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
 * count is a per-thread setting, so the caller's own count stays what it was, and so does the
 * default of threads started later (see {@link #singleThreaded}). Results do not depend on the number of threads: every row's nearest centre is
 * computed independently.
 */
final class SplitSearch {

    /** Rows per part at least; smaller problems are searched in one piece. */
    private static final long MIN_ROWS_PER_PART = 2048;

    /**
     * Worker pools by thread count, and the driver (key 0), shared by every k-means of the process
     * and never shut down (daemon threads). Threads started afresh for each clustering each brought
     * glibc arenas of their own: building a per-class codebook of 100,000 centres, one clustering
     * per class, grew the resident set by about 2-4 GB per class under bin/vqlc's high trim
     * threshold, where reused threads keep it flat.
     */
    private static final Map<Integer, ExecutorService> POOLS = new ConcurrentHashMap<>();

    private static final int DRIVER_KEY = 0;

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
        this.pool =
                this.threads > 1 ? POOLS.computeIfAbsent(this.threads, n -> singleThreaded(n, "k-means-search")) : null;
        this.driver = this.threads > 1 ? POOLS.computeIfAbsent(DRIVER_KEY, n -> singleThreaded(1, "k-means")) : null;
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
        return Futures.await(driver.submit(fit::get));
    }

    /**
     * {@code n} started daemon threads whose PyTorch ops run on one thread each. The count is a
     * per-thread setting, but PyTorch also keeps the last count set as the default of threads that
     * have not run an op yet: once every worker has set its own, the default is set back, from a
     * thread of its own, to what a new thread got before. The caller's thread is never touched.
     * (Threads of the process that run their first op in the few milliseconds in between start with
     * one thread.)
     */
    private static ExecutorService singleThreaded(int n, String name) {
        int defaultForNewThreads = onAFreshThread(TorchOps::intraOpThreads);
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
            onAFreshThread(() -> {
                TorchOps.setIntraOpThreads(defaultForNewThreads);
                return defaultForNewThreads;
            });
        }
        return workers;
    }

    /** {@code work} run on a new thread, waited for (a thread of its own: its PyTorch settings die with it). */
    private static int onAFreshThread(IntSupplier work) {
        int[] result = new int[1];
        Thread t = new Thread(() -> result[0] = work.getAsInt(), "k-means-threads");
        t.start();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result[0];
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
                SearchResult r = Futures.await(f);
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
}
