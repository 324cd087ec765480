package io.github.vqlc.core.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.engine.TorchOps;

/**
 * Exact nearest-code search under squared Euclidean distance, computed in tiles so that the full
 * (N, K) distance matrix is never materialized when it would exceed a memory budget.
 *
 * <p>Tensor contract:
 *
 * <ul>
 *   <li>{@code x}: (N, D) float32, the query vectors (for a quantizer: the encoder output
 *       reshaped from (B, D, H, W) to (B*H*W, D));
 *   <li>{@code codes}: (K, D) float32 on the same device, K &ge; 1;
 *   <li>{@code codeSqNorms} (optional): (K) float32, {@code ||c_k||^2}, as returned by {@link
 *       #codeSqNorms(NDArray)}; pass it when the same codebook is searched many times;
 *   <li>result: {@link SearchResult#indices()} (N) int64 and {@link SearchResult#distances()} (N)
 *       float32 = {@code ||x_i - c_idx||^2}, both attached to {@code x.getManager()}.
 * </ul>
 *
 * <p>Distances use the expansion {@code ||x||^2 - 2 x.c + ||c||^2}. On CPU with a code dimension
 * of at most {@value FusedScan#MAX_DIM}, {@link FusedScan} computes them and their minimum in one
 * Java pass that never writes a (queries x codes) tile (at such D the tile's memory traffic, not
 * the arithmetic, is the cost of a matrix product). Wider codes, and the tiled path when asked for
 * ({@link Builder#optTiledScan}): per tile one matrix
 * product {@code -2x} (nv, D) times the code chunk (D, kc), then a Java loop reads the tile in place,
 * adds {@code ||c||^2} per column and keeps each row's running minimum and its code ({@link
 * RowMinima}): PyTorch's CPU {@code argMin} along rows is not vectorized and is slower than this
 * loop, and the product stays D wide. On GPU one product of the augmented queries {@code [-2x, 1]}
 * (N, D+1) with the augmented codes {@code [c, ||c||^2]} (K, D+1) yields {@code ||c||^2 - 2 x.c}
 * directly, followed by an {@code argMin} along the code axis, a gather of the minimum and a
 * running minimum merged with {@code where} across code chunks. {@code ||x||^2} is added once at
 * the end and the result clipped at 0 (the expansion can round to tiny negative values). No
 * per-element JNI calls happen inside the loop, and on GPU no host round-trips.
 *
 * <p>Tiling: the tile (vectors x codes, at most 2048 codes wide unless there are few vectors) holds
 * at most {@code min(memoryBudgetBytes, tileBytes)} float32 distances on CPU ({@link
 * Builder#optTileBytes}, 16 MiB by default), and at most {@code memoryBudgetBytes} on GPU; when the
 * whole (N, K) matrix fits in one tile it is computed in one shot. Fewer, larger tiles are faster
 * than one big matrix even when it fits the budget, as long as the allocator keeps freed tiles in
 * the heap (bin/vqlc sets glibc's {@code MALLOC_*} thresholds so that it does; with glibc's
 * defaults a 2 MiB tile is faster, docs/benchmarks.md). Beyond the tile, one search allocates
 * O(N*D) working memory (a scaled copy of x, ||x||^2, the running minima) and one code chunk at a
 * time; the codebook is never copied whole.
 *
 * <p>Ties: within a chunk, the first minimal index wins (as {@code argMin}); across chunks, a later
 * chunk replaces the running minimum only if strictly smaller, so exact ties resolve to the lowest
 * index, as a single {@code argMin} over the full matrix would. Because the order of floating-point
 * operations differs from the textbook formula {@code ||x||^2 - 2x.c^T + ||c||^2}, codes whose
 * distances differ by a rounding error (about 1e-7 relative) may be ranked differently than by
 * that formula; both answers are then equally near in exact arithmetic up to that rounding.
 *
 * <p>Gradients: the search runs detached ({@code stopGradient()} on every input), so it never
 * builds an autograd graph even when {@code codes} is a trainable parameter inside a
 * {@code GradientCollector}; the outputs do not require gradients. Inputs must be finite.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NearestCodeSearch {

    /** Default memory budget: 64 MiB. */
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 64L << 20;

    /** Smallest accepted budget. */
    static final long MIN_MEMORY_BUDGET_BYTES = 4096;

    /** Default CPU tile: 16 MiB of float32 distances. */
    public static final long DEFAULT_TILE_BYTES = 16L << 20;

    /** Longest code chunk per tile (codes per matrix product). */
    static final long DEFAULT_MAX_CODE_CHUNK = 2048;

    /** Rows per step when computing code norms. */
    private static final long NORM_CHUNK = 8192;

    private final long memoryBudgetBytes;
    private final long tileBytes;
    private final long maxCodeChunk;
    private final boolean engineArgMin;
    private final boolean tiledScan;

    private NearestCodeSearch(Builder builder) {
        this.tiledScan = builder.tiledScan;
        this.memoryBudgetBytes = builder.memoryBudgetBytes;
        this.tileBytes = builder.tileBytes;
        this.maxCodeChunk = builder.maxCodeChunk;
        this.engineArgMin = builder.engineArgMin;
    }

    /** A search with the default 64 MiB budget. */
    public static NearestCodeSearch create() {
        return builder().build();
    }

    /** A builder; every setting is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** The upper bound, in bytes, of the distance tile held at once. */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /**
     * Nearest code and squared distance for every row of {@code x}.
     *
     * @param x (N, D) float32 queries
     * @param codes (K, D) float32 codebook on the same device
     * @return indices (N) int64 and distances (N) float32, attached to {@code x}'s manager
     * @throws IllegalArgumentException on wrong ranks, shapes, data types or devices
     */
    public SearchResult search(NDArray x, NDArray codes) {
        return search(x, codes, null);
    }

    /**
     * As {@link #search(NDArray, NDArray)}, reusing precomputed code norms.
     *
     * @param codeSqNorms (K) float32 {@code ||c_k||^2} (see {@link #codeSqNorms(NDArray)}), or
     *     null to compute them
     */
    public SearchResult search(NDArray x, NDArray codes, NDArray codeSqNorms) {
        return search(x, codes, codeSqNorms, -1);
    }

    /**
     * Nearest other code: as {@link #search(NDArray, NDArray, NDArray)}, where row i of {@code x}
     * is code {@code firstCode + i} (a run of the codebook, or vectors standing for it) and never
     * matches that code. With {@code x = codes} and {@code firstCode = 0}: every code's nearest
     * neighbour in the codebook and the squared distance to it.
     *
     * @param firstCode the code that row 0 of {@code x} is, with {@code firstCode + N <= K}
     * @throws IllegalArgumentException as {@link #search(NDArray, NDArray, NDArray)}, when K &lt;
     *     2, or when the rows do not name codes
     */
    public SearchResult searchExcludingSelf(NDArray x, NDArray codes, NDArray codeSqNorms, long firstCode) {
        long k = codes.getShape().dimension() == 2 ? codes.getShape().get(0) : 0;
        long n = x.getShape().dimension() == 2 ? x.getShape().get(0) : 0;
        if (k < 2) {
            throw new IllegalArgumentException("a nearest other code needs K >= 2 codes, got " + codes.getShape());
        }
        if (firstCode < 0 || firstCode + n > k) {
            throw new IllegalArgumentException(
                    "rows " + firstCode + ".." + (firstCode + n - 1) + " are not codes of a codebook of " + k);
        }
        return search(x, codes, codeSqNorms, firstCode);
    }

    /** The search; {@code selfOffset >= 0}: row i never matches code {@code selfOffset + i}. */
    private SearchResult search(NDArray x, NDArray codes, NDArray codeSqNorms, long selfOffset) {
        validate(x, codes, codeSqNorms);
        long n = x.getShape().get(0);
        long k = codes.getShape().get(0);
        long d = codes.getShape().get(1);
        NDManager parent = x.getManager();
        try (NDManager sub = parent.newSubManager(x.getDevice())) {
            NDArray xs = detachedIn(x, sub);
            NDArray cs = detachedIn(codes, sub);
            NDArray norms = codeSqNorms == null ? null : detachedIn(codeSqNorms, sub);
            NDArray indices;
            NDArray best;
            if (n == 0) {
                indices = sub.zeros(new Shape(0), DataType.INT64);
                best = sub.zeros(new Shape(0), DataType.FLOAT32);
            } else if (usesFusedScan(x.getDevice().isGpu(), n, k, d)) {
                NDArray[] found = fusedMinimum(sub, xs, cs, norms, n, k, d, selfOffset);
                indices = found[0];
                best = found[1];
            } else {
                boolean gpu = x.getDevice().isGpu();
                boolean javaRowScan = !engineArgMin && !gpu && TorchOps.isTorch(xs);
                NDArray[] found = tiledMinimum(sub, xs, cs, norms, plan(n, k, d, gpu), javaRowScan, selfOffset);
                indices = found[0];
                best = found[1];
            }
            NDArray xNorms = xs.square().sum(new int[] {1});
            NDArray distances = best.addi(xNorms).clip(0f, Float.MAX_VALUE);
            indices.attach(parent);
            distances.attach(parent);
            return new SearchResult(indices, distances);
        }
    }

    /**
     * Only the nearest-code indices.
     *
     * @return (N) int64 attached to {@code x}'s manager
     */
    public NDArray nearest(NDArray x, NDArray codes) {
        return nearest(x, codes, null);
    }

    /**
     * Only the nearest-code indices, reusing precomputed code norms (may be null).
     *
     * @return (N) int64 attached to {@code x}'s manager
     */
    public NDArray nearest(NDArray x, NDArray codes, NDArray codeSqNorms) {
        SearchResult result = search(x, codes, codeSqNorms);
        result.distances().close();
        return result.indices();
    }

    /**
     * The squared L2 norm of every code, detached from any autograd graph, for reuse across
     * searches of one codebook (recompute after the codebook changes).
     *
     * @param codes (K, D) float32
     * @return (K) float32 attached to {@code codes}' manager
     */
    public static NDArray codeSqNorms(NDArray codes) {
        if (codes.getShape().dimension() != 2) {
            throw new IllegalArgumentException("codes must be (K, D), got " + codes.getShape());
        }
        long k = codes.getShape().get(0);
        NDArray detached = codes.stopGradient();
        if (k <= NORM_CHUNK) {
            NDArray norms = squaredNorms(detached);
            detached.close();
            return norms;
        }
        NDList parts = new NDList(); // chunked, so there is no (K, D) temporary
        for (long k0 = 0; k0 < k; k0 += NORM_CHUNK) {
            NDArray rows = detached.get(new NDIndex().addSliceDim(k0, Math.min(k, k0 + NORM_CHUNK)));
            parts.add(squaredNorms(rows));
            rows.close();
        }
        NDArray norms = NDArrays.concat(parts);
        parts.close();
        detached.close();
        return norms;
    }

    /** (rows, D) -> (rows) sum of squares; the (rows, D) square is freed at once. */
    private static NDArray squaredNorms(NDArray rows) {
        NDArray squared = rows.square();
        NDArray norms = squared.sum(new int[] {1});
        squared.close();
        return norms;
    }

    /**
     * What a search of {@code n} queries over {@code k} codes of dimension {@code d} runs, for
     * benchmarks and logs: "fused scan (...)" or "tiled (block x chunk)".
     */
    public String method(long n, long k, long d, boolean gpu) {
        if (usesFusedScan(gpu, n, k, d)) {
            return "fused scan (D <= " + FusedScan.MAX_DIM + ")";
        }
        Tiling t = plan(n, k, d, gpu);
        return "tiled (" + t.vectorBlock() + " x " + t.codeChunk() + ")";
    }

    /** Whether an (n x k) search of dimension d runs {@link FusedScan} (CPU, small D). */
    private boolean usesFusedScan(boolean gpu, long n, long k, long d) {
        return !engineArgMin
                && !tiledScan
                && !gpu
                && d <= FusedScan.MAX_DIM
                && n <= Integer.MAX_VALUE
                && k * d <= Integer.MAX_VALUE;
    }

    /** {indices (N) int64, min over codes of ||c||^2 - 2 x.c (N) float32} in {@code sub}, by {@link FusedScan}. */
    private static NDArray[] fusedMinimum(
            NDManager sub, NDArray xs, NDArray cs, NDArray norms, long n, long k, long d, long selfOffset) {
        float[] codeNorms;
        if (norms != null) {
            codeNorms = norms.toFloatArray();
        } else {
            try (NDArray computed = squaredNorms(cs)) {
                codeNorms = computed.toFloatArray();
            }
        }
        FusedScan scan = new FusedScan(cs.toFloatArray(), codeNorms, Math.toIntExact(k), Math.toIntExact(d));
        long[] index = new long[Math.toIntExact(n)];
        float[] value = new float[index.length];
        int threads = TorchOps.isTorch(xs) ? TorchOps.intraOpThreads() : 1;
        scan.run(xs.toFloatArray(), index.length, selfOffset, threads, index, value);
        return new NDArray[] {sub.create(index), sub.create(value)};
    }

    /** Tile shape: queries per block and codes per chunk. */
    public record Tiling(long vectorBlock, long codeChunk) {}

    /** The tile shape this search uses for an (n x k) problem of dimension d (for benchmarks and tests). */
    public Tiling plan(long n, long k, long d, boolean gpu) {
        long bytes = gpu ? memoryBudgetBytes : Math.min(memoryBudgetBytes, tileBytes);
        long elements = Math.max(1, bytes / Float.BYTES);
        if (n * k <= elements) { // one shot (n * k < 2^63 for any tensor that fits in memory)
            return new Tiling(n, k);
        }
        long chunk = Math.min(k, maxCodeChunk);
        long block = elements / chunk;
        if (block >= n) { // few queries: widen the code chunk instead
            block = n;
            chunk = Math.min(k, elements / n);
        } else if (block < 1) { // tiny budget
            block = 1;
            chunk = Math.min(k, elements);
        }
        return new Tiling(block, chunk);
    }

    /**
     * Returns {indices (N) int64, min over codes of ||c||^2 - 2 x.c (N) float32}, in {@code sub};
     * {@code norms} may be null (then computed per chunk); {@code selfOffset >= 0}: row i skips code
     * {@code selfOffset + i}.
     */
    private static NDArray[] tiledMinimum(
            NDManager sub, NDArray xs, NDArray cs, NDArray norms, Tiling tiling, boolean javaRowScan, long selfOffset) {
        long n = xs.getShape().get(0);
        long k = cs.getShape().get(0);
        NDArray minusTwoX = xs.mul(-2f);
        NDArray augmentedX; // (N, D+1); the Java scan adds ||c||^2 itself and keeps the product D wide
        if (javaRowScan) {
            augmentedX = minusTwoX;
        } else {
            augmentedX = minusTwoX.concat(sub.ones(new Shape(n, 1)), 1);
            minusTwoX.close();
        }
        int blocks = Math.toIntExact((n + tiling.vectorBlock() - 1) / tiling.vectorBlock());
        NDArray[] xBlocks = new NDArray[blocks];
        for (int b = 0; b < blocks; b++) {
            long from = b * tiling.vectorBlock();
            xBlocks[b] = blocks == 1
                    ? augmentedX
                    : augmentedX.get(new NDIndex().addSliceDim(from, Math.min(n, from + tiling.vectorBlock())));
        }
        NDArray[] bestValue = new NDArray[blocks];
        NDArray[] bestIndex = new NDArray[blocks];
        RowMinima minima = javaRowScan ? new RowMinima(Math.toIntExact(n)) : null;
        for (long k0 = 0; k0 < k; k0 += tiling.codeChunk()) {
            long k1 = Math.min(k, k0 + tiling.codeChunk());
            NDIndex rows = new NDIndex().addSliceDim(k0, k1);
            NDArray chunk = cs.get(rows);
            NDArray chunkNorms = norms == null ? squaredNorms(chunk) : norms.get(rows);
            if (minima != null) {
                scanChunk(minima, xBlocks, tiling.vectorBlock(), chunk, chunkNorms, k0, selfOffset);
            } else {
                argMinChunk(bestIndex, bestValue, xBlocks, tiling.vectorBlock(), chunk, chunkNorms, k0, selfOffset);
            }
            chunkNorms.close();
            chunk.close();
        }
        if (minima != null) {
            return minima.toArrays(sub);
        }
        if (blocks == 1) {
            return new NDArray[] {bestIndex[0], bestValue[0]};
        }
        return new NDArray[] {NDArrays.concat(new NDList(bestIndex)), NDArrays.concat(new NDList(bestValue))};
    }

    /** Java-scan path: folds one code chunk (codes from k0) into the running row minima. */
    private static void scanChunk(
            RowMinima minima,
            NDArray[] xBlocks,
            long vectorBlock,
            NDArray chunk,
            NDArray chunkNorms,
            long k0,
            long selfOffset) {
        float[] columnNorms = chunkNorms.toFloatArray();
        try (NDArray chunkT = chunk.transpose()) { // view; gemm reads it transposed
            for (int b = 0; b < xBlocks.length; b++) {
                try (NDArray partial = xBlocks[b].matMul(chunkT)) { // (nv, kc) = -2 x.c
                    minima.fold(partial, columnNorms, Math.toIntExact(b * vectorBlock), k0, selfOffset);
                }
            }
        }
    }

    /**
     * Engine path: per query block, argMin of one chunk's tile of the augmented product, merged
     * into the block's running minimum ({@code bestIndex[b]}, {@code bestValue[b]}; null before the
     * first chunk).
     */
    private static void argMinChunk(
            NDArray[] bestIndex,
            NDArray[] bestValue,
            NDArray[] xBlocks,
            long vectorBlock,
            NDArray chunk,
            NDArray chunkNorms,
            long k0,
            long selfOffset) {
        try (NDArray chunkNormColumn = chunkNorms.expandDims(1);
                NDArray augmentedCodes = chunk.concat(chunkNormColumn, 1); // (kc, D+1)
                NDArray augmentedCodesT = augmentedCodes.transpose()) { // view; gemm reads it transposed
            for (int b = 0; b < xBlocks.length; b++) {
                NDArray partial = xBlocks[b].matMul(augmentedCodesT); // (nv, kc) = ||c||^2 - 2 x.c
                if (selfOffset >= 0) {
                    excludeSelf(partial, selfOffset + b * vectorBlock - k0);
                }
                NDArray index = partial.argMin(1);
                NDArray indexColumn = index.expandDims(1);
                NDArray gathered = partial.gather(indexColumn, 1);
                NDArray value = gathered.squeeze(1);
                gathered.close();
                indexColumn.close();
                partial.close();
                if (k0 > 0) {
                    index.addi(k0);
                }
                if (bestValue[b] == null) {
                    bestValue[b] = value;
                    bestIndex[b] = index;
                } else {
                    // strict < : on an exact tie the earlier chunk (lower index) is kept
                    NDArray better = value.lt(bestValue[b]);
                    NDArray mergedValue = NDArrays.where(better, value, bestValue[b]);
                    NDArray mergedIndex = NDArrays.where(better, index, bestIndex[b]);
                    better.close();
                    value.close();
                    index.close();
                    bestValue[b].close();
                    bestIndex[b].close();
                    bestValue[b] = mergedValue;
                    bestIndex[b] = mergedIndex;
                }
            }
        }
    }

    /**
     * Sets +inf where a tile row meets its own code: row r's own column is {@code r + shift} (the
     * tile's first query minus its first code, plus r), where it falls inside the tile.
     */
    private static void excludeSelf(NDArray tile, long shift) {
        long rows = tile.getShape().get(0);
        long cols = tile.getShape().get(1);
        long from = Math.max(0, -shift);
        long to = Math.min(rows, cols - shift);
        if (from >= to) {
            return;
        }
        NDManager m = tile.getManager();
        try (NDArray r = m.arange(Math.toIntExact(from), Math.toIntExact(to), 1, DataType.INT64);
                NDArray c = m.arange(Math.toIntExact(from + shift), Math.toIntExact(to + shift), 1, DataType.INT64)) {
            tile.set(new NDIndex("{}, {}", r, c), Float.POSITIVE_INFINITY);
        }
    }

    /** A detached view of {@code array}, owned by {@code sub} (stopGradient attaches to the source's manager). */
    private static NDArray detachedIn(NDArray array, NDManager sub) {
        NDArray detached = array.stopGradient();
        detached.attach(sub);
        return detached;
    }

    private static void validate(NDArray x, NDArray codes, NDArray codeSqNorms) {
        Shape xs = x.getShape();
        Shape cs = codes.getShape();
        if (xs.dimension() != 2) {
            throw new IllegalArgumentException("x must be (N, D), got " + xs);
        }
        if (cs.dimension() != 2) {
            throw new IllegalArgumentException("codes must be (K, D), got " + cs);
        }
        if (xs.get(1) != cs.get(1)) {
            throw new IllegalArgumentException("x " + xs + " and codes " + cs + " differ in dimension D");
        }
        if (cs.get(0) < 1 || cs.get(1) < 1) {
            throw new IllegalArgumentException("codes must have K >= 1 and D >= 1, got " + cs);
        }
        requireFloat32("x", x);
        requireFloat32("codes", codes);
        if (!x.getDevice().equals(codes.getDevice())) {
            throw new IllegalArgumentException("x is on " + x.getDevice() + " but codes are on " + codes.getDevice());
        }
        if (codeSqNorms != null) {
            if (codeSqNorms.getShape().dimension() != 1
                    || codeSqNorms.getShape().get(0) != cs.get(0)) {
                throw new IllegalArgumentException(
                        "codeSqNorms must be (" + cs.get(0) + "), got " + codeSqNorms.getShape());
            }
            requireFloat32("codeSqNorms", codeSqNorms);
            if (!codeSqNorms.getDevice().equals(codes.getDevice())) {
                throw new IllegalArgumentException(
                        "codeSqNorms is on " + codeSqNorms.getDevice() + " but codes are on " + codes.getDevice());
            }
        }
    }

    private static void requireFloat32(String name, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(name + " must be float32, got " + array.getDataType());
        }
    }

    /** Builds a {@link NearestCodeSearch}; {@code optX} setters are optional. */
    public static final class Builder {

        private long memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES;
        private long tileBytes = DEFAULT_TILE_BYTES;
        private long maxCodeChunk = DEFAULT_MAX_CODE_CHUNK;
        private boolean engineArgMin;
        private boolean tiledScan;

        private Builder() {}

        /**
         * On CPU, always the tiled matrix product + Java row scan, also for small code dimensions
         * where {@link FusedScan} would run; for tests and benchmarks, which compare the paths.
         */
        public Builder optTiledScan(boolean tiledScan) {
            this.tiledScan = tiledScan;
            return this;
        }

        /**
         * On CPU, the engine's {@code argMin} + gather + {@code where} per tile (the GPU path)
         * instead of the Java row scan ({@link RowMinima}); for tests, which check both paths.
         */
        Builder optEngineArgMin(boolean engineArgMin) {
            this.engineArgMin = engineArgMin;
            return this;
        }

        /**
         * Upper bound on the float32 distance tile held at once (default 64 MiB, at least 4096).
         */
        public Builder optMemoryBudgetBytes(long memoryBudgetBytes) {
            this.memoryBudgetBytes = memoryBudgetBytes;
            return this;
        }

        /**
         * Preferred CPU tile size in bytes (default {@value NearestCodeSearch#DEFAULT_TILE_BYTES}):
         * smaller when the allocator returns large freed blocks to the kernel (see the class
         * comment).
         */
        public Builder optTileBytes(long tileBytes) {
            this.tileBytes = tileBytes;
            return this;
        }

        /** Longest code chunk per tile (tuning; default 2048). */
        public Builder optMaxCodeChunk(long maxCodeChunk) {
            this.maxCodeChunk = maxCodeChunk;
            return this;
        }

        /** Validates and builds. */
        public NearestCodeSearch build() {
            if (memoryBudgetBytes < MIN_MEMORY_BUDGET_BYTES) {
                throw new IllegalArgumentException(
                        "memoryBudgetBytes must be >= " + MIN_MEMORY_BUDGET_BYTES + ", got " + memoryBudgetBytes);
            }
            if (tileBytes < Float.BYTES) {
                throw new IllegalArgumentException("tileBytes must be >= 4, got " + tileBytes);
            }
            if (maxCodeChunk < 1) {
                throw new IllegalArgumentException("maxCodeChunk must be >= 1, got " + maxCodeChunk);
            }
            return new NearestCodeSearch(this);
        }
    }
}
