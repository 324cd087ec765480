package io.github.vqlc.core.data;

import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Deterministic generated images for tests and smoke runs: no files, any shape. Image {@code i}
 * has label {@code i % numClasses} (balanced) and shows that class's pattern: oriented stripes
 * (angle and frequency depend on the class, phase on the image), a soft blob at an image-dependent
 * position, a class-dependent color per channel, and a little Gaussian noise. Everything derives
 * from {@code (seed, i)}, so an image is identical whatever the access order or thread. Values are
 * clamped to [-1, 1]. No augmentation.
 */
public final class SyntheticDataset implements ImageDataset {

    private final int size;
    private final int numClasses;
    private final int channels;
    private final int imageSize;
    private final long seed;

    /**
     * @param size number of images, >= 1
     * @param numClasses number of classes, >= 1
     * @param channels 1 or 3
     * @param imageSize height = width, >= 1
     * @param seed determines every pixel
     */
    public SyntheticDataset(int size, int numClasses, int channels, int imageSize, long seed) {
        if (size < 1 || numClasses < 1 || imageSize < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("synthetic dataset needs size >= 1, numClasses >= 1, imageSize >= 1,"
                    + " channels 1 or 3; got size=" + size + " numClasses=" + numClasses + " imageSize=" + imageSize
                    + " channels=" + channels);
        }
        this.size = size;
        this.numClasses = numClasses;
        this.channels = channels;
        this.imageSize = imageSize;
        this.seed = seed;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int i) {
        return Objects.checkIndex(i, size) % numClasses;
    }

    @Override
    public void image(int i, float[] dst, int offset, Random augmentRng) {
        int k = label(i);
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, i));
        double theta = Math.PI * k / numClasses;
        double freq = 1.5 + (k % 3); // cycles across the image
        double phase = rng.nextDouble(2 * Math.PI);
        double bx = 0.25 + 0.5 * rng.nextDouble();
        double by = 0.25 + 0.5 * rng.nextDouble();
        double radius = 0.12 + 0.04 * (k % 4);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        int s = imageSize;
        int plane = s * s;
        for (int c = 0; c < channels; c++) {
            double tint =
                    channels == 1 ? 1.0 : 0.55 + 0.45 * Math.cos(2 * Math.PI * ((double) k / numClasses + c / 3.0));
            for (int y = 0; y < s; y++) {
                double v = (y + 0.5) / s;
                for (int x = 0; x < s; x++) {
                    double u = (x + 0.5) / s;
                    double stripes = Math.sin(2 * Math.PI * freq * (u * cos + v * sin) + phase);
                    double d2 = ((u - bx) * (u - bx) + (v - by) * (v - by)) / (radius * radius);
                    double blob = Math.exp(-0.5 * d2);
                    double val = tint * (0.55 * stripes + 0.6 * blob - 0.2) + 0.08 * gaussian(rng);
                    dst[offset + c * plane + y * s + x] = (float) Math.max(-1.0, Math.min(1.0, val));
                }
            }
        }
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller, one value per call; SplittableRandom has no nextGaussian in Java 17
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public String describe() {
        return "synthetic: " + size + " images " + channels + "x" + imageSize + "x" + imageSize + ", " + numClasses
                + " classes, seed " + seed;
    }
}
