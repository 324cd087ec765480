package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import io.github.vqlc.core.spi.RowReplacements;
import io.github.vqlc.quantizers.codebook.kmeans.KMeans;
import java.util.Random;

/**
 * Data-dependent initialization and dead-code restarts of a trainable codebook (vq, fc), both off
 * by default.
 *
 * <ul>
 *   <li>k-means initialization: the codebook becomes k-means centres (k-means++ seeding, at most
 *       {@value #KMEANS_ITERATIONS} Lloyd iterations) of the first training batch's vectors in the
 *       codebook's space. A batch with fewer vectors than codes cannot seed K centres: the codes
 *       are then batch vectors drawn with replacement plus Gaussian noise of 1% of the vectors'
 *       standard deviation.
 *   <li>Dead-code restart: a buffer {@code code_usage} (K) follows each code's uses per training
 *       forward as an exponential average (decay {@value #USAGE_DECAY}, starting at 1). A code
 *       whose average falls below the threshold is replaced, at the next step boundary (before that
 *       step's forward, never inside an autograd graph), by a random vector of the batch that found
 *       it dead; its average restarts at 1 and the optimizer is told, so its Adam moments restart.
 * </ul>
 */
public final class CodebookUpkeep {

    static final int KMEANS_ITERATIONS = 20;
    static final float USAGE_DECAY = 0.99f;

    private final boolean kmeansInit;
    private final long seed;
    private final float restartThreshold;
    private final Parameter usage;
    private RowReplacements listener = RowReplacements.NONE;
    /** Restarts decided in the last training forward, applied at the next step boundary. */
    private long[] pendingRows;

    private float[] pendingVectors;

    /**
     * @param usage the {@link #usageParameter} the quantizer added, or null when restarts are off
     */
    public CodebookUpkeep(boolean kmeansInit, long seed, float restartThreshold, Parameter usage) {
        if (restartThreshold > 0 && usage == null) {
            throw new IllegalArgumentException("dead-code restarts need the code_usage buffer");
        }
        this.kmeansInit = kmeansInit;
        this.seed = seed;
        this.restartThreshold = restartThreshold;
        this.usage = usage;
    }

    /** Neither initialization nor restarts. */
    public static CodebookUpkeep none() {
        return new CodebookUpkeep(false, 0, 0, null);
    }

    /** The (K) buffer of per-code usage averages, saved with the model; add it only when restarts are on. */
    public static Parameter usageParameter(int codebookSize) {
        return Parameter.builder()
                .setName("code_usage")
                .setType(Parameter.Type.RUNNING_MEAN)
                .optInitializer(new ConstantInitializer(1f))
                .optShape(new Shape(codebookSize))
                .optRequiresGrad(false)
                .build();
    }

    public boolean restarts() {
        return restartThreshold > 0;
    }

    public void setListener(RowReplacements listener) {
        this.listener = listener;
    }

    /**
     * Overwrites {@code codebook} with codes from {@code vectors} (N, F) in the codebook's space when
     * k-means initialization is on.
     *
     * @return whether the codebook changed
     */
    public boolean initialize(Parameter codebook, NDArray vectors) {
        if (!kmeansInit) {
            return false;
        }
        NDArray table = codebook.getArray();
        int k = (int) table.getShape().get(0);
        NDArray codes = initialCodes(vectors.stopGradient(), k, seed);
        try (NDArray alias = table.stopGradient()) { // a detached alias: same storage, no graph
            alias.set(new NDIndex("..."), codes);
        }
        return true;
    }

    /** K codes from vectors (N, F): see the class comment. */
    static NDArray initialCodes(NDArray vectors, int k, long seed) {
        long n = vectors.getShape().get(0);
        if (n >= k) {
            return KMeans.builder()
                    .setK(k)
                    .optInit(KMeans.Init.KMEANS_PLUS_PLUS)
                    .optMaxIterations(KMEANS_ITERATIONS)
                    .optSeed(seed)
                    .build()
                    .fit(vectors)
                    .centroids();
        }
        int f = (int) vectors.getShape().get(1);
        float[] x = vectors.toFloatArray();
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        double noise = 0.01 * Math.sqrt(var / x.length);
        Random random = new Random(seed);
        float[] codes = new float[k * f];
        for (int c = 0; c < k; c++) {
            int row = random.nextInt((int) n);
            for (int j = 0; j < f; j++) {
                codes[c * f + j] = (float) (x[row * f + j] + noise * random.nextGaussian());
            }
        }
        return vectors.getManager().create(codes, new Shape(k, f));
    }

    /**
     * One training forward's codes (N) int64 and vectors (N, F): updates the usage averages and
     * remembers the codes that fell below the threshold with a batch vector for each.
     */
    public void record(NDArray indices, NDArray vectors) {
        if (!restarts()) {
            return;
        }
        NDManager m = indices.getManager();
        try (NDManager scratch = m.newSubManager()) {
            NDArray u = usage.getArray().stopGradient(); // alias of the buffer: in-place writes land in it
            u.attach(scratch);
            NDList unique = indices.unique(null, true, true, true); // (values, inverse, counts)
            unique.attach(scratch);
            NDArray used = unique.get(0);
            NDArray counts = unique.get(2).toType(DataType.FLOAT32, false);
            u.muli(USAGE_DECAY);
            NDIndex rows = new NDIndex("{}", used);
            u.set(rows, u.get(rows).add(counts.muli(1f - USAGE_DECAY)));
            NDArray dead = u.lt(restartThreshold).nonzero().reshape(-1);
            dead.attach(scratch);
            long d = dead.size();
            if (d == 0) {
                return;
            }
            long n = vectors.getShape().get(0);
            NDArray pick = scratch.randomInteger(0L, n, new Shape(d), DataType.INT64);
            pendingRows = dead.toLongArray();
            NDArray x = vectors.stopGradient();
            x.attach(scratch);
            pendingVectors = x.get(new NDIndex("{}", pick)).toFloatArray();
        }
    }

    /** Applies the restarts the last forward decided: codes, their usage averages, the optimizer. */
    public void applyPending(Parameter codebook) {
        if (pendingRows == null) {
            return;
        }
        NDArray table = codebook.getArray();
        NDManager m = table.getManager();
        try (NDManager scratch = m.newSubManager()) {
            NDArray rows = scratch.create(pendingRows);
            NDArray values = scratch.create(
                    pendingVectors,
                    new Shape(pendingRows.length, table.getShape().get(1)));
            NDIndex index = new NDIndex("{}", rows);
            NDArray codes = table.stopGradient(); // detached aliases: same storage, no graph
            codes.attach(scratch);
            codes.set(index, values);
            NDArray averages = usage.getArray().stopGradient();
            averages.attach(scratch);
            averages.set(index, 1f);
            listener.replaced(codebook, rows);
        }
        pendingRows = null;
        pendingVectors = null;
    }
}
