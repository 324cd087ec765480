package io.github.vqlc.core.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The running minimum of every query row and the code where it occurs, folded over the distance
 * tiles of a CPU search by a plain Java loop that reads each tile in place (the CPU tensor's own
 * memory, no copy). PyTorch 2.3's CPU {@code argMin} along a row is not vectorized and costs about
 * three times this loop, plus a gather and two {@code where}s per tile (docs/benchmarks.md).
 *
 * <p>Strict {@code <} everywhere: within a tile the first minimal column wins, and a later tile
 * replaces a row's minimum only if strictly smaller, so ties resolve to the lowest code index as
 * one {@code argMin} over the whole row would. Inputs are finite (the search's contract).
 */
final class RowMinima {

    private final float[] value;
    private final long[] index;

    RowMinima(int rows) {
        value = new float[rows];
        index = new long[rows];
        Arrays.fill(value, Float.POSITIVE_INFINITY);
    }

    /**
     * Folds a contiguous (rows, cols) float32 CPU tile of -2 x.c, whose row r is query {@code
     * firstRow + r} and whose column c is code {@code firstCode + c} with {@code ||c||^2 =
     * columnNorms[c]}: the value compared is ||c||^2 - 2 x.c.
     */
    void fold(NDArray tile, float[] columnNorms, int firstRow, long firstCode) {
        int rows = Math.toIntExact(tile.getShape().get(0));
        int cols = Math.toIntExact(tile.getShape().get(1));
        // direct buffer over the tensor's memory (a matMul result is contiguous, so no copy is made)
        FloatBuffer data = ((PtNDArray) tile).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float best = value[firstRow + r];
            int column = -1;
            for (int c = 0; c < cols; c++) {
                float v = data.get(base + c) + columnNorms[c];
                if (v < best) {
                    best = v;
                    column = c;
                }
            }
            if (column >= 0) {
                value[firstRow + r] = best;
                index[firstRow + r] = firstCode + column;
            }
        }
    }

    /** {indices (N) int64, minima (N) float32} in {@code manager}. */
    NDArray[] toArrays(NDManager manager) {
        return new NDArray[] {manager.create(index), manager.create(value)};
    }
}
