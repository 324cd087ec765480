package io.github.vqlc.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.vqlc.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Count, mean and covariance of D-dimensional feature vectors, accumulated batch by batch in double
 * precision without keeping the features. Each batch's mean and centered scatter matrix are
 * computed on the device in float64; batches are combined with Chan et al.'s pairwise update
 * (M2 = M2a + M2b + delta delta^T na nb / n), which stays accurate when features have a large
 * common offset. {@link #covariance()} is the unbiased (n - 1) estimate, as numpy's
 * {@code np.cov(rowvar=False)} used by pytorch-fid.
 */
public final class FeatureStatistics {

    private static final long MAGIC = 0x56514c4346535431L; // "VQLCFST1"

    private final int dim;
    private long count;
    private final double[] mean;
    /** Sum of outer products of centered vectors, row-major D x D. */
    private final double[] m2;

    public FeatureStatistics(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("feature dimension must be >= 1, got " + dim);
        }
        this.dim = dim;
        this.mean = new double[dim];
        this.m2 = new double[dim * dim];
    }

    /** Adds a batch of features (B, D), any float type; intermediates attach to its manager. */
    public void add(NDArray features) {
        if (features.getShape().dimension() != 2 || features.getShape().get(1) != dim) {
            throw new IllegalArgumentException("expected features (B, " + dim + "), got " + features.getShape());
        }
        long b = features.getShape().get(0);
        if (b == 0) {
            return;
        }
        NDArray f = features.toType(DataType.FLOAT64, false);
        NDArray batchMean = f.mean(new int[] {0});
        NDArray centered = f.sub(batchMean);
        NDArray scatter = centered.transpose().matMul(centered);
        merge(b, batchMean.toDoubleArray(), scatter.toDoubleArray());
    }

    /** Adds feature vectors held on the host, one per row. */
    public void add(double[][] rows) {
        double[] zero = new double[dim * dim];
        for (double[] row : rows) {
            if (row.length != dim) {
                throw new IllegalArgumentException("expected rows of " + dim + " features, got " + row.length);
            }
            merge(1, row, zero);
        }
    }

    /** Adds everything another accumulator has seen (same dimension). */
    public void merge(FeatureStatistics other) {
        if (other.dim != dim) {
            throw new IllegalArgumentException("feature dimensions differ: " + dim + " vs " + other.dim);
        }
        if (other.count > 0) {
            merge(other.count, other.mean, other.m2);
        }
    }

    private void merge(long nb, double[] meanB, double[] m2B) {
        long n = count + nb;
        double[] delta = new double[dim];
        for (int i = 0; i < dim; i++) {
            delta[i] = meanB[i] - mean[i];
        }
        double w = (double) count * nb / n;
        for (int i = 0; i < dim; i++) {
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                m2[row + j] += m2B[row + j] + delta[i] * delta[j] * w;
            }
        }
        for (int i = 0; i < dim; i++) {
            mean[i] += delta[i] * nb / n;
        }
        count = n;
    }

    public int dim() {
        return dim;
    }

    public long count() {
        return count;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Unbiased covariance (D x D); needs at least two vectors. */
    public double[][] covariance() {
        if (count < 2) {
            throw new IllegalStateException("covariance needs at least 2 feature vectors, have " + count);
        }
        double[][] cov = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                // symmetrize: the two halves differ only by rounding
                cov[i][j] = 0.5 * (m2[i * dim + j] + m2[j * dim + i]) / (count - 1);
            }
        }
        return cov;
    }

    /** Writes the statistics and the key they were computed for, atomically. */
    public void save(Path file, String key) {
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeLong(MAGIC);
            out.writeUTF(key);
            out.writeInt(dim);
            out.writeLong(count);
            for (double v : mean) {
                out.writeDouble(v);
            }
            for (double v : m2) {
                out.writeDouble(v);
            }
            out.flush();
        });
    }

    /** Statistics stored with {@link #save} and the key stored with them. */
    public record Stored(String key, FeatureStatistics statistics) {}

    /** Reads a file written by {@link #save}; a truncated or foreign file is an IOException. */
    public static Stored load(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(raw);
            if (in.readLong() != MAGIC) {
                throw new IOException(file + " is not a feature statistics file");
            }
            String key = in.readUTF();
            int dim = in.readInt();
            if (dim < 1 || dim > 65536) {
                throw new IOException(file + ": bad feature dimension " + dim);
            }
            FeatureStatistics s = new FeatureStatistics(dim);
            s.count = in.readLong();
            for (int i = 0; i < dim; i++) {
                s.mean[i] = in.readDouble();
            }
            for (int i = 0; i < dim * dim; i++) {
                s.m2[i] = in.readDouble();
            }
            if (in.read() != -1) {
                throw new IOException(file + ": trailing bytes");
            }
            return new Stored(key, s);
        }
    }
}
