package io.github.vqlc.eval.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisPiecesTest {

    @Test
    void rarefactionCountsDistinctCodesAtOneTwoFiveTenImagesAndTheEnd() {
        // 12 images of 2 tokens; image i uses codes {i % 6, 6} -> distinct after n images: min(n, 6) + 1
        long[] codes = new long[24];
        for (int i = 0; i < 12; i++) {
            codes[2 * i] = i % 6;
            codes[2 * i + 1] = 6;
        }
        List<Rarefaction.Point> curve = Rarefaction.curve(codes, 2, 10);
        assertThat(curve).extracting(Rarefaction.Point::images).containsExactly(1L, 2L, 5L, 10L, 12L);
        assertThat(curve).extracting(Rarefaction.Point::used).containsExactly(2, 3, 6, 7, 7);
        assertThat(curve.get(4).utilization()).isEqualTo(0.7);
        assertThat(curve.get(4).tokens()).isEqualTo(24);
        // last doubling: 5 images (6 codes) -> 12 images (7 codes)? the point at <= 6 images is 5
        assertThat(Rarefaction.lastDoublingGain(curve)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void chao1AddsUnseenCodesFromSingletonsAndDoubletons() {
        // 4 observed; f1 = 2 (codes 0, 1), f2 = 1 (code 2): 4 + 2 * 1 / (2 * 2) = 4.5
        assertThat(Rarefaction.chao1(new long[] {1, 1, 2, 7, 0, 0, 0, 0, 0, 0})).isEqualTo(4.5);
        // no rare codes: the observed count
        assertThat(Rarefaction.chao1(new long[] {5, 9, 0})).isEqualTo(2);
        // capped at K
        assertThat(Rarefaction.chao1(new long[] {1, 1, 1, 1, 1, 0})).isEqualTo(6);
    }

    @Test
    void deadCodesByClusterSizeBlockAndDecile() {
        long[] usage = {0, 0, 3, 1, 0, 8, 2, 0, 5, 1};
        long[] sizes = {1, 1, 2, 3, 1, 40, 9, 0, 200, 5};
        List<Bin> bins = DeadCodes.byClusterSize(usage, sizes);
        assertThat(bins)
                .extracting(Bin::label)
                .containsExactly("0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64-127", "128+");
        assertThat(bins.get(0)).isEqualTo(new Bin("0", 1, 1));
        assertThat(bins.get(1)).isEqualTo(new Bin("1", 3, 3));
        assertThat(bins.get(2)).isEqualTo(new Bin("2-3", 2, 0));
        assertThat(bins.get(8)).isEqualTo(new Bin("128+", 1, 0));

        List<Bin> blocks =
                DeadCodes.byBlock(usage, List.of(new DeadCodes.Block("0", 0, 5), new DeadCodes.Block("1", 5, 5)));
        assertThat(blocks).containsExactly(new Bin("0", 5, 3), new Bin("1", 5, 1));

        float[] norms = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        List<Bin> deciles = DeadCodes.byDecile(usage, norms);
        assertThat(deciles).hasSize(10);
        assertThat(deciles.get(0).dead()).isEqualTo(1); // norm 1 is code 0, dead
        assertThat(deciles.get(2).dead()).isZero();
    }

    @Test
    void classUsageCountsSharedAndOwnBlockTokens() {
        // 3 images of 2 tokens: class 0 uses {0, 1} and {1, 2}; class 1 uses {2, 3}; blocks [0,2) and [2,4)
        long[] codes = {0, 1, 1, 2, 2, 3};
        int[] labels = {0, 0, 1};
        ClassUsage u = ClassUsage.of(
                codes, labels, 2, 4, 2, List.of(new DeadCodes.Block("0", 0, 2), new DeadCodes.Block("1", 2, 2)));
        assertThat(u.usedPerClass()).containsExactly(3, 2);
        assertThat(u.shared()).isEqualTo(1); // code 2
        assertThat(u.exclusive()).isEqualTo(3);
        assertThat(u.ownBlockShare()).containsExactly(0.75, 1.0);
    }

    @Test
    void theVerdictNamesStrandedCodesAndSmallClustersWithTheirNumbers() {
        List<Bin> clusters = List.of(new Bin("1", 300, 290), new Bin("2-3", 200, 150), new Bin("4-7", 500, 60));
        Verdict v = new Verdict(1000, 500, 560, 0.001, clusters, List.of(), Map.of("p50", 3.0), Map.of("p50", 1.0));
        List<String> f = v.findings();
        assertThat(f.get(0)).contains("3.00 against 1.00 for a used code (3.0x)");
        assertThat(f.get(1))
                .contains("88.0% of the 500 codes built from at most 3")
                .contains("50.0% overall");
        assertThat(f.get(2)).startsWith("Utilization has levelled off").contains("560 reachable codes (56.0% of K)");
        assertThat(f.get(f.size() - 1))
                .isEqualTo(
                        "What limits this run's utilization (50.0% of 1,000 codes): codes stranded outside the region"
                                + " the encoder's outputs occupy; then k-means centres with too few training vectors behind"
                                + " them.");
    }

    @Test
    void aCurveStillRisingPointsAtTheDataCounted() {
        Verdict v = new Verdict(1000, 400, 900, 0.15, List.of(), List.of(), Map.of(), Map.of());
        List<String> f = v.findings();
        assertThat(f.get(0)).contains("last doubling of the images added 15.0 points");
        assertThat(f.get(1)).contains("the amount of data counted");
    }
}
