package io.github.vqlc.eval.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Peak signal-to-noise ratio per image on [0, 1] images: 10 log10(1 / MSE). Inputs are images in
 * [-1, 1] (N, C, H, W); reconstructions are clipped to the valid range first. Identical images have
 * infinite PSNR; it is reported as {@link #CAP_DB} so averages stay finite (documented in docs/metrics.md).
 */
public final class Psnr {

    /** Value reported for a perfect reconstruction (MSE = 0), in dB. */
    public static final double CAP_DB = 100.0;

    private Psnr() {}

    /** Per-image PSNR in dB, (N) on the host. */
    public static double[] perImage(NDArray originals, NDArray reconstructions) {
        NDArray a = originals.add(1f).div(2f);
        NDArray b = reconstructions.clip(-1f, 1f).add(1f).div(2f);
        NDArray mse = a.sub(b).square().reshape(a.getShape().get(0), -1).mean(new int[] {1});
        float[] values = mse.toFloatArray();
        double[] psnr = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            psnr[i] = fromMse(values[i]);
        }
        return psnr;
    }

    /** PSNR for a mean squared error on [0, 1] data, capped at {@link #CAP_DB}. */
    public static double fromMse(double mse) {
        if (mse <= 0) {
            return CAP_DB;
        }
        return Math.min(CAP_DB, 10 * Math.log10(1.0 / mse));
    }
}
