package io.github.vqlc.eval.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Structural similarity (Wang et al. 2004) per image, with the standard settings of
 * {@code skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=1)}: an 11-tap Gaussian window (sigma 1.5, truncated at
 * 3.5 sigma and normalized), K1 = 0.01, K2 = 0.03, population (not sample) variances, the SSIM map
 * averaged over the "valid" region only (skimage filters with reflection and then crops
 * (11 - 1) / 2 = 5 pixels from every side, which leaves exactly the pixels whose window lies inside
 * the image), then averaged over channels.
 *
 * <p>Computed on the device in float64 for a whole batch at once: the five local moments
 * (mu_x, mu_y, E[x^2], E[y^2], E[xy]) come from one depthwise separable convolution (1x11 then
 * 11x1, groups = channels) of the stacked (5N, C, H, W) tensor.
 */
public final class Ssim implements AutoCloseable {

    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5;
    public static final double K1 = 0.01;
    public static final double K2 = 0.03;

    private final NDManager manager;
    private final int channels;
    private final NDArray rowKernel;
    private final NDArray columnKernel;

    /** @param parent manager the window lives in (a sub-manager of it, closed by {@link #close()}) */
    public Ssim(NDManager parent, int channels) {
        this.manager = parent.newSubManager();
        this.channels = channels;
        double[] g = gaussian();
        double[] tiled = new double[channels * WINDOW];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(g, 0, tiled, c * WINDOW, WINDOW);
        }
        this.rowKernel = manager.create(tiled, new Shape(channels, 1, 1, WINDOW));
        this.columnKernel = manager.create(tiled, new Shape(channels, 1, WINDOW, 1));
    }

    /** The normalized 1-D window: exp(-k^2 / (2 sigma^2)), k = -5..5. */
    static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double k = i - (WINDOW - 1) / 2.0;
            g[i] = Math.exp(-k * k / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /**
     * SSIM per image of two batches in [0, 1].
     *
     * @param a images (N, C, H, W), H and W at least 11
     * @param b images of the same shape
     * @return (N) float64, attached to {@code a}'s manager
     */
    public NDArray perImage(NDArray a, NDArray b) {
        Shape s = a.getShape();
        if (!s.equals(b.getShape()) || s.dimension() != 4 || s.get(1) != channels) {
            throw new IllegalArgumentException("expected two (N, " + channels + ", H, W) batches, got " + s + " and " + b.getShape());
        }
        if (s.get(2) < WINDOW || s.get(3) < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "x" + WINDOW + ", got " + s);
        }
        long n = s.get(0);
        NDArray x = a.toType(DataType.FLOAT64, false);
        NDArray y = b.toType(DataType.FLOAT64, false);
        NDArray stacked = NDArrays.concat(new NDList(x, y, x.mul(x), y.mul(y), x.mul(y)), 0);
        NDArray filtered = filter(filter(stacked, rowKernel), columnKernel);
        NDList m = filtered.split(5, 0);
        NDArray muX = m.get(0);
        NDArray muY = m.get(1);
        NDArray muXX = muX.mul(muX);
        NDArray muYY = muY.mul(muY);
        NDArray muXY = muX.mul(muY);
        NDArray varX = m.get(2).sub(muXX);
        NDArray varY = m.get(3).sub(muYY);
        NDArray cov = m.get(4).sub(muXY);
        double c1 = K1 * K1;
        double c2 = K2 * K2;
        NDArray num = muXY.mul(2).add(c1).mul(cov.mul(2).add(c2));
        NDArray den = muXX.add(muYY).add(c1).mul(varX.add(varY).add(c2));
        return num.div(den).reshape(n, -1).mean(new int[] {1});
    }

    private NDArray filter(NDArray in, NDArray kernel) {
        return Conv2d.conv2d(in, kernel.toDevice(in.getDevice(), false), null, new Shape(1, 1), new Shape(0, 0),
                new Shape(1, 1), channels).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
