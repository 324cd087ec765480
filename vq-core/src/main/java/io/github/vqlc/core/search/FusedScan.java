package io.github.vqlc.core.search;

import static java.lang.Math.fma;

import io.github.vqlc.core.concurrent.Futures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The CPU nearest-code search for small code dimensions: distances and their running minimum in
 * one pass over the codebook, so no (queries x codes) tile is ever written (at D = 8 writing and
 * reading that tile, not the arithmetic, is what a matrix product plus a scan costs).
 *
 * <p>Layout: a block of queries is held transposed, one float array per dimension holding {@code
 * -2 x_d} of every query in the block; for each code the loop over the block's queries computes
 * {@code ||c||^2 + sum_d c_d (-2 x_d)} (fused multiply-adds, eight dimensions per pass) and folds
 * it into a per-query minimum with {@code Math.min}.
 * Every array in that loop is read at the same index, which is what lets HotSpot's C2 (Java 17)
 * turn it into SIMD code; a loop that reads two arrays at different offsets, or keeps an index next
 * to its minimum, stays scalar and is several times slower.
 *
 * <p>The minimum alone says whether a chunk of {@value #CODE_CHUNK} codes holds a better code for
 * a query; only then is the chunk scanned again for that query, in scalar code that repeats the
 * same float operations in the same order (Java arithmetic is exact to the bit, SIMD or not), so
 * the value found equals the minimum and its first occurrence is the code. With codes in random
 * order a query improves in about ln(K / chunk) chunks (about 8 of 3,125 at K = 100,000). The
 * chunk is short because a rescan is scalar: with chunks of 256 codes the rescans took about a
 * sixth of the search, with 32 (the measured best of 16-256) a few percent.
 *
 * <p>Sum order: {@code ||c||^2} first, then one fused multiply-add ({@link Math#fma}, one rounding)
 * per dimension in dimension order; ties resolve to the lowest code index (strict {@code <} across chunks, first
 * minimum within one), as a single argmin over the whole row would.
 *
 * <p>Threads: query blocks are shared among {@code threads} workers (the caller plus pooled
 * daemon threads); every query's result is computed by one worker alone, so results do not depend
 * on the thread count.
 */
final class FusedScan {

    /** Codes per chunk between two checks of the running minima. */
    static final int CODE_CHUNK = 32;

    /**
     * Queries per block. A compile-time constant on purpose: C2 (Java 17) vectorizes these loops
     * over ten arrays only when their trip count is a constant; with a bound read at run time the
     * same loop stays scalar and runs about nine times slower.
     */
    static final int LANES = 1024;

    /**
     * Widest code dimension this scan serves; beyond it the engine's matrix product (which reuses
     * each loaded value across many products) is faster (docs/benchmarks.md, bench search).
     */
    static final int MAX_DIM = 16;

    /**
     * Helper threads, kept for the life of the process once started (threads started afresh bring
     * glibc arenas of their own, which grew the resident set of long runs: see k-means'
     * SplitSearch).
     */
    private static final ExecutorService POOL =
            new ThreadPoolExecutor(0, Integer.MAX_VALUE, 365, TimeUnit.DAYS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "vqlc-search");
                t.setDaemon(true);
                return t;
            });

    /** (K, dp) row-major, each row zero-padded from D to dp. */
    private final float[] codes;

    private final float[] norms;
    private final int k;
    private final int d;

    /** D rounded up to a multiple of four (padding dimensions add fma(0, 0, v) = v). */
    private final int dp;

    /**
     * @param codes (K, D) row-major
     * @param norms (K) {@code ||c_k||^2}
     */
    FusedScan(float[] codes, float[] norms, int k, int d) {
        if (codes.length != (long) k * d || norms.length != k) {
            throw new IllegalArgumentException("codes must hold K x D = " + k + " x " + d + " values and norms K");
        }
        if (d < 1 || d > MAX_DIM) {
            throw new IllegalArgumentException("the fused scan takes 1 <= D <= " + MAX_DIM + ", got " + d);
        }
        this.norms = norms;
        this.k = k;
        this.d = d;
        this.dp = (d + 3) / 4 * 4;
        if (dp == d) {
            this.codes = codes;
        } else {
            this.codes = new float[k * dp];
            for (int c = 0; c < k; c++) {
                System.arraycopy(codes, c * d, this.codes, c * dp, d);
            }
        }
    }

    /**
     * For every query, the code minimizing {@code ||c||^2 - 2 x.c} and that value.
     *
     * @param x (N, D) row-major queries
     * @param selfOffset {@code >= 0}: query i never matches code {@code selfOffset + i}; else -1
     * @param threads workers to use (at least 1)
     * @param index receives the codes (N)
     * @param value receives the minima (N)
     */
    void run(float[] x, int n, long selfOffset, int threads, long[] index, float[] value) {
        int block = LANES;
        int blocks = (n + block - 1) / block;
        int workers = Math.max(1, Math.min(threads, blocks));
        if (workers == 1) {
            new Worker(block).blocks(x, n, block, 0, 1, selfOffset, index, value);
            return;
        }
        List<Future<?>> pending = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            int first = w;
            pending.add(
                    POOL.submit(() -> new Worker(block).blocks(x, n, block, first, workers, selfOffset, index, value)));
        }
        new Worker(block).blocks(x, n, block, 0, workers, selfOffset, index, value);
        for (Future<?> f : pending) {
            Futures.await(f);
        }
    }

    /** One thread's buffers: the transposed query block, partial sums and chunk minima. */
    private final class Worker {
        private final float[][] xt;
        private final float[] acc;
        private final float[] min;
        private final float[] best;
        private final int[] bestCode;

        Worker(int block) {
            xt = new float[dp][block]; // padding rows stay 0
            acc = new float[block];
            min = new float[block];
            best = new float[block];
            bestCode = new int[block];
        }

        /** Blocks {@code first}, {@code first + stride}, ... of the queries. */
        void blocks(float[] x, int n, int block, int first, int stride, long selfOffset, long[] index, float[] value) {
            for (int b = first; b * (long) block < n; b += stride) {
                int q0 = b * block;
                int qn = Math.min(block, n - q0);
                load(x, q0, qn);
                scan(q0, qn, selfOffset);
                for (int q = 0; q < qn; q++) {
                    index[q0 + q] = bestCode[q];
                    value[q0 + q] = best[q];
                }
            }
        }

        /** Transposes queries q0.. into xt as -2x (unused tail lanes: 0). */
        private void load(float[] x, int q0, int qn) {
            for (int e = 0; e < d; e++) {
                float[] row = xt[e];
                for (int q = 0; q < qn; q++) {
                    row[q] = -2f * x[(q0 + q) * d + e];
                }
                Arrays.fill(row, qn, row.length, 0f);
            }
        }

        private void scan(int q0, int qn, long selfOffset) {
            Arrays.fill(best, Float.POSITIVE_INFINITY);
            Arrays.fill(bestCode, 0);
            for (int c0 = 0; c0 < k; c0 += CODE_CHUNK) {
                int c1 = Math.min(k, c0 + CODE_CHUNK);
                Arrays.fill(min, Float.POSITIVE_INFINITY);
                for (int c = c0; c < c1; c++) {
                    fold(c);
                }
                for (int q = 0; q < qn; q++) {
                    long self = selfOffset < 0 ? -1 : selfOffset + q0 + q;
                    if (self >= c0 && self < c1) {
                        rescan(q, c0, c1, (int) self);
                    } else if (min[q] < best[q]) {
                        rescan(q, c0, c1, -1);
                    }
                }
            }
        }

        /**
         * min[q] = min(min[q], ||c||^2 + sum_d c_d xt[d][q]) for every lane q: one fused
         * multiply-add per dimension, in dimension order, in passes of eight dimensions (four for
         * the last pass when the padded D is not a multiple of eight).
         */
        private void fold(int c) {
            int o = c * dp;
            float start = norms[c];
            if (dp <= 8) {
                if (dp == 4) {
                    last4(start, null, o, 0);
                } else {
                    last8(start, null, o, 0);
                }
                return;
            }
            first8(start, o);
            if (dp == 12) {
                last4(0f, acc, o, 8);
            } else {
                last8(0f, acc, o, 8);
            }
        }

        private void first8(float start, int o) {
            float c0 = codes[o], c1 = codes[o + 1], c2 = codes[o + 2], c3 = codes[o + 3];
            float c4 = codes[o + 4], c5 = codes[o + 5], c6 = codes[o + 6], c7 = codes[o + 7];
            float[] x0 = xt[0], x1 = xt[1], x2 = xt[2], x3 = xt[3], x4 = xt[4], x5 = xt[5], x6 = xt[6], x7 = xt[7];
            float[] a = acc;
            for (int q = 0; q < LANES; q++) {
                a[q] = fma(
                        c7,
                        x7[q],
                        fma(
                                c6,
                                x6[q],
                                fma(
                                        c5,
                                        x5[q],
                                        fma(
                                                c4,
                                                x4[q],
                                                fma(
                                                        c3,
                                                        x3[q],
                                                        fma(c2, x2[q], fma(c1, x1[q], fma(c0, x0[q], start))))))));
            }
        }

        /** The last eight dimensions from e, added to {@code a} (or to {@code start} when a is null), folded into min. */
        private void last8(float start, float[] a, int o, int e) {
            float c0 = codes[o + e], c1 = codes[o + e + 1], c2 = codes[o + e + 2], c3 = codes[o + e + 3];
            float c4 = codes[o + e + 4], c5 = codes[o + e + 5], c6 = codes[o + e + 6], c7 = codes[o + e + 7];
            float[] x0 = xt[e], x1 = xt[e + 1], x2 = xt[e + 2], x3 = xt[e + 3];
            float[] x4 = xt[e + 4], x5 = xt[e + 5], x6 = xt[e + 6], x7 = xt[e + 7];
            float[] m = min;
            if (a == null) {
                for (int q = 0; q < LANES; q++) {
                    m[q] = Math.min(
                            m[q],
                            fma(
                                    c7,
                                    x7[q],
                                    fma(
                                            c6,
                                            x6[q],
                                            fma(
                                                    c5,
                                                    x5[q],
                                                    fma(
                                                            c4,
                                                            x4[q],
                                                            fma(
                                                                    c3,
                                                                    x3[q],
                                                                    fma(
                                                                            c2,
                                                                            x2[q],
                                                                            fma(
                                                                                    c1,
                                                                                    x1[q],
                                                                                    fma(c0, x0[q], start)))))))));
                }
            } else {
                for (int q = 0; q < LANES; q++) {
                    m[q] = Math.min(
                            m[q],
                            fma(
                                    c7,
                                    x7[q],
                                    fma(
                                            c6,
                                            x6[q],
                                            fma(
                                                    c5,
                                                    x5[q],
                                                    fma(
                                                            c4,
                                                            x4[q],
                                                            fma(
                                                                    c3,
                                                                    x3[q],
                                                                    fma(
                                                                            c2,
                                                                            x2[q],
                                                                            fma(c1, x1[q], fma(c0, x0[q], a[q])))))))));
                }
            }
        }

        /** The last four dimensions from e, added to {@code a} (or to {@code start} when a is null), folded into min. */
        private void last4(float start, float[] a, int o, int e) {
            float c0 = codes[o + e], c1 = codes[o + e + 1], c2 = codes[o + e + 2], c3 = codes[o + e + 3];
            float[] x0 = xt[e], x1 = xt[e + 1], x2 = xt[e + 2], x3 = xt[e + 3];
            float[] m = min;
            if (a == null) {
                for (int q = 0; q < LANES; q++) {
                    m[q] = Math.min(m[q], fma(c3, x3[q], fma(c2, x2[q], fma(c1, x1[q], fma(c0, x0[q], start)))));
                }
            } else {
                for (int q = 0; q < LANES; q++) {
                    m[q] = Math.min(m[q], fma(c3, x3[q], fma(c2, x2[q], fma(c1, x1[q], fma(c0, x0[q], a[q])))));
                }
            }
        }

        /**
         * Query q's first strict minimum over codes c0..c1 (skipping {@code skip}, -1 for none),
         * taken if it beats the running best: the same float operations in the same order as
         * {@link #fold}.
         */
        private void rescan(int q, int c0, int c1, int skip) {
            float b = best[q];
            int code = -1;
            for (int c = c0; c < c1; c++) {
                if (c == skip) {
                    continue;
                }
                int o = c * dp;
                float v = norms[c];
                for (int e = 0; e < dp; e++) {
                    v = fma(codes[o + e], xt[e][q], v);
                }
                if (v < b) {
                    b = v;
                    code = c;
                }
            }
            if (code >= 0) {
                best[q] = b;
                bestCode[q] = code;
            }
        }
    }
}
