package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryCommandTest {

    @Test
    void aMissingStaticCodebookIsStoodInForByARandomOneOfTheConfiguredShape() {
        CliRun r = CliRun.of(
                "summary",
                "-c",
                "configs/fashion-mnist/lc.conf",
                "-o",
                "run.device=gpu",
                "-o",
                "quantizer.codebook.init=file",
                "-o",
                "quantizer.codebook.path=\"no-such-codebook.npy\"",
                "-o",
                "quantizer.codebook.dim=48");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.err()).contains("no-such-codebook.npy not found").contains("1024 x 48");
        // LC's frozen codebook is K x Dc = 1024 x 48 = 49,152 values; the last line is the total
        assertThat(r.out()).contains("49,152");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("total parameters ");
    }
}
