package io.github.vqlc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizeBenchmarkTest {

    @Test
    void everyTypeRunsBesideVqAndOneItsDefaultsCannotBuildIsSkippedWithTheReason() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<QuantizeBenchmark.Row> rows =
                QuantizeBenchmark.run(List.of("fsq", "lc", "vq"), 1024, 4, 128, 1, 2, new PrintStream(bytes, true));
        assertThat(rows).extracting(QuantizeBenchmark.Row::type).containsExactly("vq", "fsq", "lc");
        assertThat(rows.get(0).millis()).isPositive();
        assertThat(rows.get(1).codes()).as("the authors' grid nearest 1,024").isEqualTo(1000);
        assertThat(rows.get(1).dim()).isEqualTo(4);
        assertThat(rows).allSatisfy(r -> assertThat(r.skipped()).isNull());
        assertThat(bytes.toString()).contains("vq     K=1,024 D=4:", "(1.00x vq)", "fsq    K=1,000 D=4:");

        List<QuantizeBenchmark.Row> bad = QuantizeBenchmark.run(
                List.of("nosuch"), 64, 4, 128, 0, 1, new PrintStream(new ByteArrayOutputStream()));
        assertThat(bad.get(1).skipped()).contains("nosuch");
    }

    @Test
    void fsqGridsNearestTheRequestedSize() {
        assertThat(QuantizeBenchmark.nearestFsq(1024)).containsExactly(8, 5, 5, 5);
        assertThat(QuantizeBenchmark.nearestFsq(16384)).containsExactly(8, 8, 8, 6, 5);
        assertThat(QuantizeBenchmark.nearestFsq(100000)).containsExactly(8, 8, 8, 5, 5, 5);
    }
}
