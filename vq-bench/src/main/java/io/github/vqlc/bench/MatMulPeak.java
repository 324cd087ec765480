package io.github.vqlc.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The machine's float32 arithmetic rate as the engine reaches it: a square matrix product (the
 * most compute-bound op there is, so its rate is the practical peak of the cores and threads the
 * benchmark runs on), median of five after a warm-up. Floors of other kernels are stated against it.
 */
final class MatMulPeak {

    private static final int SIZE = 1024;

    private MatMulPeak() {}

    /** GFLOP/s (2 n^3 flops per product) of a 1024 x 1024 float32 product on {@code manager}'s device. */
    static double gflops(NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(SIZE, SIZE));
            NDArray b = m.randomNormal(new Shape(SIZE, SIZE));
            a.matMul(b).close();
            double[] ns = new double[5];
            for (int i = 0; i < ns.length; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.toFloatArray(); // waits for the device
                ns[i] = System.nanoTime() - t0;
                c.close();
            }
            Arrays.sort(ns);
            return 2.0 * SIZE * SIZE * SIZE / ns[ns.length / 2];
        }
    }
}
