package io.github.vqlc.eval.fid;

import io.github.vqlc.core.UserException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Frechet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017):
 * {@code d = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2))}.
 *
 * <p>pytorch-fid takes {@code scipy.linalg.sqrtm(S1 @ S2)} of the non-symmetric product. Here the
 * trace comes from the symmetric positive semi-definite matrix {@code M = sqrt(S1) S2 sqrt(S1)},
 * which has the same eigenvalues as {@code S1 S2}, so {@code tr sqrt(S1 S2) = sum sqrt(eig(M))}:
 * two symmetric eigen-decompositions, tiny negative eigenvalues (rounding) clamped to 0. This
 * handles singular covariances without complex intermediates. Fallback as in pytorch-fid: when
 * the result is not finite or the decomposition fails, {@code eps I} (eps = 1e-6) is added to both
 * covariances and the computation is repeated; {@link Result#regularized()} reports it.
 */
public final class FrechetDistance {

    /** Diagonal offset of the retry, as pytorch-fid. */
    public static final double EPS = 1e-6;

    /**
     * @param distance the Frechet distance (>= 0 up to rounding)
     * @param regularized whether the eps retry was needed
     */
    public record Result(double distance, boolean regularized) {}

    private FrechetDistance() {}

    /**
     * Distance between two sets' statistics. Fewer vectors than dimensions give a rank-deficient
     * covariance estimate and a meaningless distance, so that is a user error naming both numbers.
     */
    public static Result between(FeatureStatistics a, FeatureStatistics b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " vs " + b.dim());
        }
        requireEnoughSamples(Math.min(a.count(), b.count()), a.dim());
        return compute(a.mean(), a.covariance(), b.mean(), b.covariance());
    }

    /** Throws the user error for fewer feature vectors than dimensions. */
    public static void requireEnoughSamples(long samples, int dim) {
        requireEnoughSamples(samples, dim, "evaluate more images (eval.limit)");
    }

    /** @param remedy how the user gets more images, e.g. "generate more images (--count)" */
    public static void requireEnoughSamples(long samples, int dim, String remedy) {
        if (samples < dim) {
            throw new UserException(
                    "Frechet distance needs at least as many images as feature dimensions: " + samples + " images < "
                            + dim + " dimensions; " + remedy + " or use an extractor with fewer feature dimensions");
        }
    }

    /** The distance from means and covariances, with the eps retry. */
    public static Result compute(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
        double d = distance(mu1, s1, mu2, s2, 0);
        if (Double.isFinite(d)) {
            return new Result(d, false);
        }
        return new Result(distance(mu1, s1, mu2, s2, EPS), true);
    }

    /** One attempt with {@code eps} added to both diagonals; NaN when the decomposition fails. */
    static double distance(double[] mu1, double[][] s1, double[] mu2, double[][] s2, double eps) {
        int n = mu1.length;
        double meanTerm = 0;
        for (int i = 0; i < n; i++) {
            double diff = mu1[i] - mu2[i];
            meanTerm += diff * diff;
        }
        RealMatrix a = offset(s1, eps);
        RealMatrix b = offset(s2, eps);
        double trSqrt;
        try {
            trSqrt = traceSqrtProduct(a, b);
        } catch (MathIllegalStateException | ArithmeticException e) {
            return Double.NaN;
        }
        return meanTerm + a.getTrace() + b.getTrace() - 2 * trSqrt;
    }

    /** tr(sqrt(A B)) for symmetric PSD A, B, as sum sqrt(eig(sqrt(A) B sqrt(A))). */
    static double traceSqrtProduct(RealMatrix a, RealMatrix b) {
        RealMatrix rootA = sqrtPsd(a);
        RealMatrix m = symmetrize(rootA.multiply(b).multiply(rootA));
        double trace = 0;
        for (double ev : new EigenDecomposition(m).getRealEigenvalues()) {
            trace += Math.sqrt(Math.max(ev, 0));
        }
        return trace;
    }

    /** V sqrt(max(L, 0)) V^T of a symmetric matrix. */
    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(symmetrize(s));
        RealMatrix v = e.getV();
        double[] ev = e.getRealEigenvalues();
        int n = ev.length;
        RealMatrix scaled = v.copy();
        for (int j = 0; j < n; j++) {
            double r = Math.sqrt(Math.max(ev[j], 0));
            for (int i = 0; i < n; i++) {
                scaled.setEntry(i, j, scaled.getEntry(i, j) * r);
            }
        }
        return scaled.multiply(v.transpose());
    }

    private static RealMatrix offset(double[][] s, double eps) {
        RealMatrix m = new Array2DRowRealMatrix(s, true);
        if (eps != 0) {
            for (int i = 0; i < s.length; i++) {
                m.addToEntry(i, i, eps);
            }
        }
        return m;
    }

    /** (M + M^T) / 2: removes the rounding asymmetry EigenDecomposition's symmetry test would reject. */
    private static RealMatrix symmetrize(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
