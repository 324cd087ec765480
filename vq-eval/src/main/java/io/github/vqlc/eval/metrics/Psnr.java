package io.github.vqlc.eval.metrics;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * Peak signal-to-noise ratio per image on [0, 1] images: 10 log10(1 / MSE), the MSE over all
 * pixels and channels ({@link Channel#RGB}) or over the BT.601 luma of RGB images
 * ({@link Channel#Y}: Y = 0.299 R + 0.587 G + 0.114 B, full range; single-channel images are their
 * own luma). Identical images have infinite PSNR; it is reported as {@link #CAP_DB} so averages stay
 * finite (documented in docs/metrics.md).
 */
public final class Psnr {

    /** Value reported for a perfect reconstruction (MSE = 0), in dB. */
    public static final double CAP_DB = 100.0;

    /** What the squared error is taken over ({@code eval.psnr-channel}). */
    public enum Channel {
        /** every channel of the image */
        RGB,
        /** the BT.601 luma of RGB images; grayscale images unchanged */
        Y;

        /** {@code rgb} or {@code y}, as in config. */
        public static Channel of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private Psnr() {}

    /** Per-image PSNR in dB, (N) on the host, of images in [-1, 1] (N, C, H, W); reconstructions are clipped. */
    public static double[] perImage(NDArray originals, NDArray reconstructions) {
        return perImage(UnitRange.of(originals), UnitRange.clipped(reconstructions), Channel.RGB);
    }

    /** Per-image PSNR in dB, (N) on the host, of images already in [0, 1] (N, C, H, W). */
    public static double[] perImage(NDArray a, NDArray b, Channel channel) {
        NDArray x = channel == Channel.Y ? luma(a) : a;
        NDArray y = channel == Channel.Y ? luma(b) : b;
        NDArray mse = x.sub(y).square().reshape(x.getShape().get(0), -1).mean(new int[] {1});
        float[] values = mse.toFloatArray();
        double[] psnr = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            psnr[i] = fromMse(values[i]);
        }
        return psnr;
    }

    /** BT.601 luma (N, 1, H, W) of (N, 3, H, W) images; other channel counts are returned unchanged. */
    public static NDArray luma(NDArray images) {
        if (images.getShape().get(1) != 3) {
            return images;
        }
        NDArray weights = images.getManager()
                .create(new float[] {0.299f, 0.587f, 0.114f})
                .reshape(1, 3, 1, 1)
                .toType(images.getDataType(), false);
        return images.mul(weights).sum(new int[] {1}, true);
    }

    /** PSNR for a mean squared error on [0, 1] data, capped at {@link #CAP_DB}. */
    public static double fromMse(double mse) {
        if (mse <= 0) {
            return CAP_DB;
        }
        return Math.min(CAP_DB, 10 * Math.log10(1.0 / mse));
    }
}
