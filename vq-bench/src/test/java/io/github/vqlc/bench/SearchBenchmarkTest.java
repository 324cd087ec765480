package io.github.vqlc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.search.NearestCodeSearch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SearchBenchmarkTest {

    @Test
    void smallRunAgreesWithTheFullMatrixAndEndsWithTheSpeedupLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        SearchBenchmark.Report report = SearchBenchmark.run(5000, 4, 300, 2, 1L, out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = text.strip().split("\n");

        assertThat(lines[lines.length - 1]).matches("speedup \\d+\\.\\dx");
        assertThat(text).contains("K=5000 D=4 N=300").contains("full matrix + argMin");
        assertThat(report.mismatches()).isZero();
        assertThat(report.oursMillis()).isPositive();
        assertThat(report.naiveMillis()).isPositive();
        assertThat(report.speedup()).isCloseTo(report.naiveMillis() / report.oursMillis(), within(1e-9));
        assertThat(report.method()).startsWith("fused scan");
        NearestCodeSearch.Tiling t = NearestCodeSearch.create().plan(300, 5000, 4, false);
        assertThat(report.tiledMethod()).isEqualTo("tiled (" + t.vectorBlock() + " x " + t.codeChunk() + ")");
        assertThat(report.tiledMillis()).isPositive();
        assertThat(report.peakGflops()).isPositive();
        assertThat(report.floorMillis()).isCloseTo(2.0 * 300 * 5000 * 4 / (report.peakGflops() * 1e6), within(1e-9));
        assertThat(text).contains("arithmetic floor:");
        assertThat(report.oursPeakBytes()).isNotNegative();
        assertThat(report.memoryMethod()).contains("VmRSS");
        assertThat(report.otherCpuShare()).isBetween(0.0, 1.0);
        assertThat(text).contains("other processes used");
    }

    @Test
    void peakRssSeesALargeAllocation() {
        if (!PeakRss.available()) {
            return; // not Linux
        }
        long size = 64L << 20;
        try (NDManager manager = NDManager.newBaseManager()) {
            PeakRss.Measurement m = PeakRss.measure(() -> {
                // fresh native memory (above glibc's mmap threshold), zero-filled
                try (NDArray zeros = manager.zeros(new Shape(size / Float.BYTES))) {
                    assertThat(zeros.getShape().size()).isEqualTo(size / Float.BYTES);
                }
            });
            assertThat(m.peakExtraBytes()).isBetween(size * 9 / 10, size * 3);
        }
    }
}
