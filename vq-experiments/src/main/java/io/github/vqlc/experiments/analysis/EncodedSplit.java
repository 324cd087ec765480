package io.github.vqlc.experiments.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One encoder-only pass over a split: every image's codes and label, and the latent vectors (the
 * quantizer's inputs) of a random sample of images, enough for about {@code latentSample} vectors.
 *
 * @param codes tokens, image after image in dataset order
 * @param labels class of each image
 * @param tokensPerImage tokens of one image
 * @param latents the sampled latent vectors, row-major (M, D)
 * @param dim D
 * @param order a seeded random permutation of the images: its first images are the latent sample,
 *     and a rarefaction curve counts the images in this order
 */
record EncodedSplit(long[] codes, int[] labels, int tokensPerImage, float[] latents, int dim, int[] order) {

    int images() {
        return labels.length;
    }

    int latentCount() {
        return latents.length / dim;
    }

    static EncodedSplit encode(
            VqAutoencoder model,
            NDManager manager,
            ParameterStore ps,
            ImageDataset data,
            int batchSize,
            int latentSample,
            long seed,
            PrintStream out) {
        int n = data.size();
        int tokens = model.tokensPerImage();
        int dim = model.quantizer().embeddingDim();
        int[] order = permutation(n, seed);
        boolean[] sampled = sample(order, (latentSample + tokens - 1) / tokens);
        int sampledImages = 0;
        for (boolean s : sampled) {
            sampledImages += s ? 1 : 0;
        }
        long[] codes = new long[Math.multiplyExact(n, tokens)];
        int[] labels = new int[n];
        float[] latents = new float[sampledImages * tokens * dim];
        int[] done = {0, 0};
        long start = System.nanoTime();
        int every = Math.max(1, n / 10);
        try (BatchLoader loader =
                BatchLoader.builder(data).setBatchSize(batchSize).build()) {
            loader.forEachBatch(manager, batch -> {
                NDArray z = model.latents(ps, batch.images(), false);
                long[] c = model.quantizer()
                        .quantize(ps, z, false)
                        .indices()
                        .toType(DataType.INT64, false)
                        .toLongArray();
                int first = done[0];
                System.arraycopy(c, 0, codes, first * tokens, c.length);
                long[] l = batch.labels().toLongArray();
                for (int i = 0; i < l.length; i++) {
                    labels[first + i] = (int) l[i];
                    if (sampled[first + i]) {
                        // (D, H, W) -> (H, W, D): one row per token
                        float[] v =
                                z.get(new NDIndex("{}", i)).transpose(1, 2, 0).toFloatArray();
                        System.arraycopy(v, 0, latents, done[1] * tokens * dim, v.length);
                        done[1]++;
                    }
                }
                done[0] += l.length;
                if (done[0] / every != first / every || done[0] == n) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    out.printf(
                            Locale.ROOT,
                            "encode: %d/%d images  %.0f images/s  eta %s%n",
                            done[0],
                            n,
                            done[0] / secs,
                            Progress.duration(secs / done[0] * (n - done[0])));
                }
            });
        }
        return new EncodedSplit(codes, labels, tokens, latents, dim, order);
    }

    /** The first {@code m} images of {@code order} (all when m >= n). */
    private static boolean[] sample(int[] order, int m) {
        int n = order.length;
        boolean[] chosen = new boolean[n];
        for (int i = 0; i < Math.min(m, n); i++) {
            chosen[order[i]] = true;
        }
        return chosen;
    }

    /** A seeded random permutation of 0..n-1 (Fisher-Yates). */
    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
