package io.github.vqlc.core.data;

/**
 * Pixel helpers shared by the readers: byte to [-1, 1] scaling, BT.601 luma, and an antialiased
 * bilinear resize (a triangle filter whose support widens with the downscale factor, as PIL's
 * {@code BILINEAR} and torchvision's {@code antialias=True}; for upscaling it is plain bilinear with
 * half-pixel centers, i.e. PyTorch's {@code align_corners=False}). Weights are normalized, so
 * values stay inside the input range and the resize commutes with the [-1, 1] scaling.
 */
final class ImageOps {

    private ImageOps() {}

    /** {@code UNIT[v]} = v / 127.5 - 1 for v in 0..255. */
    static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 127.5f - 1f;
        }
    }

    /** Maps an 8-bit value 0..255 to [-1, 1]. */
    static float unit(int v) {
        return UNIT[v];
    }

    /** ITU-R BT.601 luma of R, G, B in [-1, 1] (the weights sum to 1, so it commutes with the scaling). */
    static float luma(float r, float g, float b) {
        float y = 0.299f * r + 0.587f * g + 0.114f * b;
        return Math.max(-1f, Math.min(1f, y));
    }

    /**
     * Resizes CHW planes {@code src} (c x sh x sw) to c x dh x dw and writes only the window of
     * {@code oh x ow} output pixels starting at row {@code y0}, column {@code x0} into {@code dst}
     * at {@code dstOff} (CHW, oh x ow per plane), optionally mirrored left-right.
     */
    static void resizeWindow(
            float[] src,
            int c,
            int sh,
            int sw,
            int dh,
            int dw,
            int y0,
            int x0,
            int oh,
            int ow,
            boolean flip,
            float[] dst,
            int dstOff) {
        if (y0 < 0 || x0 < 0 || y0 + oh > dh || x0 + ow > dw) {
            throw new IllegalArgumentException(
                    "window " + oh + "x" + ow + " at (" + y0 + ", " + x0 + ") outside " + dh + "x" + dw);
        }
        Kernel kx = Kernel.of(sw, dw, x0, ow);
        Kernel ky = Kernel.of(sh, dh, y0, oh);
        float[] tmp = new float[sh * ow];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * sh * sw;
            // horizontal pass: every source row, only the window's columns
            for (int y = 0; y < sh; y++) {
                int row = plane + y * sw;
                for (int o = 0; o < ow; o++) {
                    tmp[y * ow + o] = kx.apply(o, src, row, 1);
                }
            }
            // vertical pass on the window's rows
            int out = dstOff + ch * oh * ow;
            for (int o = 0; o < oh; o++) {
                for (int x = 0; x < ow; x++) {
                    float v = ky.apply(o, tmp, x, ow);
                    dst[out + o * ow + (flip ? ow - 1 - x : x)] = v;
                }
            }
        }
    }

    /** Per-output-pixel taps of the 1-D filter: first source index, count, normalized weights. */
    private record Kernel(int[] start, int[] count, float[] weights, int taps) {

        static Kernel of(int in, int out, int outStart, int outCount) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outCount];
            int[] count = new int[outCount];
            float[] weights = new float[outCount * taps];
            for (int o = 0; o < outCount; o++) {
                double center = (outStart + o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double sum = 0;
                int n = 0;
                double[] w = new double[hi - lo];
                for (int j = lo; j < hi; j++) {
                    double t = 1.0 - Math.abs((j + 0.5 - center) / support);
                    w[j - lo] = t > 0 ? t : 0;
                    sum += w[j - lo];
                }
                // trim zero weights at both ends so the taps fit
                int a = 0;
                int b = w.length;
                while (a < b && w[a] == 0) {
                    a++;
                }
                while (b > a && w[b - 1] == 0) {
                    b--;
                }
                if (b == a) { // cannot happen for in >= 1, but keep the kernel valid
                    a = 0;
                    b = 1;
                    w[0] = 1;
                    sum = 1;
                }
                n = b - a;
                if (n > taps) {
                    throw new IllegalStateException("kernel wider than " + taps + " taps");
                }
                start[o] = lo + a;
                count[o] = n;
                for (int k = 0; k < n; k++) {
                    weights[o * taps + k] = (float) (w[a + k] / sum);
                }
            }
            return new Kernel(start, count, weights, taps);
        }

        float apply(int o, float[] data, int base, int stride) {
            int s = start[o];
            int n = count[o];
            int wo = o * taps;
            float acc = 0f;
            for (int k = 0; k < n; k++) {
                acc += weights[wo + k] * data[base + (s + k) * stride];
            }
            return acc;
        }
    }
}
