package io.github.vqlc.eval.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Utilization against the number of images counted, and how many codes the model could reach at
 * all. A curve still rising at the full split says more data would find more codes; a flat one says
 * the model has settled on the codes it uses.
 */
public final class Rarefaction {

    /** Distinct codes among the tokens of the first {@code images} images of the counting order. */
    public record Point(long images, long tokens, int used, double utilization) {}

    private Rarefaction() {}

    /**
     * The curve at 1, 2, 5, 10, 20, 50, ... images and at all of them.
     *
     * @param codes the tokens of each image, image after image in the counting order
     * @param tokensPerImage tokens of one image
     * @param codebookSize K
     */
    public static List<Point> curve(long[] codes, int tokensPerImage, int codebookSize) {
        return curve(codes, null, tokensPerImage, codebookSize);
    }

    /**
     * As {@link #curve(long[], int, int)}, counting the images in the order {@code order} (a
     * permutation of the image indices; null = as stored), without copying the codes.
     */
    public static List<Point> curve(long[] codes, int[] order, int tokensPerImage, int codebookSize) {
        long images = order == null ? codes.length / tokensPerImage : order.length;
        boolean[] seen = new boolean[codebookSize];
        int used = 0;
        List<Point> points = new ArrayList<>();
        long next = 1;
        int step = 0;
        for (long i = 0; i < images; i++) {
            for (int t = 0; t < tokensPerImage; t++) {
                long image = order == null ? i : order[(int) i];
                int c = (int) codes[(int) (image * tokensPerImage + t)];
                if (!seen[c]) {
                    seen[c] = true;
                    used++;
                }
            }
            long counted = i + 1;
            if (counted == next || counted == images) {
                points.add(new Point(counted, counted * tokensPerImage, used, (double) used / codebookSize));
                while (next <= counted) {
                    next = nextCheckpoint(step++);
                }
            }
        }
        return points;
    }

    /** 1, 2, 5, 10, 20, 50, 100, ... */
    private static long nextCheckpoint(int step) {
        long[] mantissa = {2, 5, 10};
        long decade = 1;
        for (int i = 0; i < step / 3; i++) {
            decade *= 10;
        }
        return mantissa[step % 3] * decade;
    }

    /**
     * Bias-corrected Chao1 richness: S_obs + f1 (f1 - 1) / (2 (f2 + 1)) with f1, f2 the codes used
     * exactly once and twice, capped at K. An estimate of how many codes the model reaches on data
     * like this, seen and not yet seen.
     *
     * @param counts tokens per code
     */
    public static double chao1(long[] counts) {
        long observed = 0;
        long f1 = 0;
        long f2 = 0;
        for (long c : counts) {
            if (c > 0) {
                observed++;
            }
            if (c == 1) {
                f1++;
            } else if (c == 2) {
                f2++;
            }
        }
        double estimate = observed + (double) f1 * (f1 - 1) / (2.0 * (f2 + 1));
        return Math.min(estimate, counts.length);
    }

    /** Utilization gained by the last doubling of the images counted (0 when there is no earlier point). */
    public static double lastDoublingGain(List<Point> curve) {
        if (curve.size() < 2) {
            return 0;
        }
        Point last = curve.get(curve.size() - 1);
        Point half = curve.get(0);
        for (Point p : curve) {
            if (p.images() <= last.images() / 2) {
                half = p;
            }
        }
        return last.utilization() - half.utilization();
    }
}
