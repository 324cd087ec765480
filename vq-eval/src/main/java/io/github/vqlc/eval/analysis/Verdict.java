package io.github.vqlc.eval.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plain statement that ends analysis.md: which of the measured effects limits the run's
 * utilization, each finding with the numbers behind it. The rules are deliberately simple and are
 * stated in docs/analysis.md.
 *
 * @param codebookSize K
 * @param used codes used in the counting pass
 * @param chao1 estimated reachable codes
 * @param lastDoublingGain utilization gained by the last doubling of the images counted
 * @param clusterBins dead codes by k-means cluster size (empty when unknown)
 * @param blockBins dead codes by class block (empty when unknown)
 * @param deadToLatent quantiles of the distance from each dead code to its nearest encoder output
 * @param usedToLatent the same for the used codes
 */
public record Verdict(
        int codebookSize,
        int used,
        double chao1,
        double lastDoublingGain,
        List<Bin> clusterBins,
        List<Bin> blockBins,
        Map<String, Double> deadToLatent,
        Map<String, Double> usedToLatent) {

    /** Dead codes at least this many times farther from the latents than used ones count as stranded. */
    static final double STRANDED_RATIO = 2.0;

    /** The findings, one sentence each, strongest first, then the limiting factor. */
    public List<String> findings() {
        List<String> out = new ArrayList<>();
        double utilization = (double) used / codebookSize;
        double dead = 1 - utilization;
        double reach = chao1 / codebookSize;
        boolean rising = lastDoublingGain > 0.05 * Math.max(utilization, 1e-9) && lastDoublingGain > 0.005;
        double ratio = stranded();
        Bin small = smallClusters();
        List<String> limits = new ArrayList<>();
        if (!Double.isNaN(ratio) && ratio >= STRANDED_RATIO) {
            out.add(String.format(
                    Locale.ROOT,
                    "Dead codes lie far from the encoder's outputs: the median distance from a dead code to its"
                            + " nearest latent is %.3g against %.3g for a used code (%.1fx).",
                    deadToLatent.get("p50"),
                    usedToLatent.get("p50"),
                    ratio));
            limits.add("codes stranded outside the region the encoder's outputs occupy");
        }
        if (small != null && small.codes() > 0) {
            out.add(String.format(
                    Locale.ROOT,
                    "Dead codes concentrate in small k-means clusters: %.1f%% of the %d codes built from at most 3"
                            + " training vectors are dead, against %.1f%% overall.",
                    100 * small.deadFraction(),
                    small.codes(),
                    100 * dead));
            limits.add("k-means centres with too few training vectors behind them");
        }
        if (!blockBins.isEmpty()) {
            Bin worst = blockBins.get(0);
            Bin best = blockBins.get(0);
            for (Bin b : blockBins) {
                worst = b.deadFraction() > worst.deadFraction() ? b : worst;
                best = b.deadFraction() < best.deadFraction() ? b : best;
            }
            if (worst.deadFraction() - best.deadFraction() > 0.3) {
                out.add(String.format(
                        Locale.ROOT,
                        "Class blocks differ: %.1f%% of class %s's codes are dead, %.1f%% of class %s's.",
                        100 * worst.deadFraction(),
                        worst.label(),
                        100 * best.deadFraction(),
                        best.label()));
            }
        }
        if (rising) {
            out.add(String.format(
                    Locale.ROOT,
                    "Utilization is still rising with the data counted: the last doubling of the images added"
                            + " %.1f points; Chao1 estimates %,.0f reachable codes (%.1f%% of K).",
                    100 * lastDoublingGain,
                    chao1,
                    100 * reach));
            limits.add("the amount of data counted (more images would reach more codes)");
        } else {
            out.add(String.format(
                    Locale.ROOT,
                    "Utilization has levelled off: the last doubling of the images added %.2f points, and Chao1"
                            + " estimates %,.0f reachable codes (%.1f%% of K) for %,d used.",
                    100 * lastDoublingGain,
                    chao1,
                    100 * reach,
                    used));
            if (limits.isEmpty()) {
                limits.add("the model itself: its encoder maps the data onto the codes it uses, and more data"
                        + " would not reach others");
            }
        }
        out.add(String.format(
                Locale.ROOT,
                "What limits this run's utilization (%.1f%% of %,d codes): %s.",
                100 * utilization,
                codebookSize,
                String.join("; then ", limits)));
        return out;
    }

    /** Median distance to the latents of dead codes over that of used codes (NaN when either is missing). */
    double stranded() {
        Double d = deadToLatent.get("p50");
        Double u = usedToLatent.get("p50");
        return d == null || u == null || u <= 0 ? Double.NaN : d / u;
    }

    /** The codes of clusters of 1-3 vectors when they are markedly more often dead than the rest, else null. */
    Bin smallClusters() {
        int codes = 0;
        int dead = 0;
        int all = 0;
        int allDead = 0;
        for (Bin b : clusterBins) {
            all += b.codes();
            allDead += b.dead();
            if (DeadCodes.smallClusters(b)) {
                codes += b.codes();
                dead += b.dead();
            }
        }
        if (codes == 0 || all == 0) {
            return null;
        }
        Bin small = new Bin("1-3", codes, dead);
        double overall = (double) allDead / all;
        return small.deadFraction() > 1.5 * overall && codes >= 0.05 * all ? small : null;
    }
}
