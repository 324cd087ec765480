package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.quantizers.vq.VectorQuantizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's first-batch hook and step boundary reach a vq codebook: k-means init and restarts. */
@Tag("e2e")
class CodebookUpkeepTrainingTest {

    @TempDir
    Path tmp;

    @Test
    void aKmeansInitializedCodebookWithRestartsTrains() throws Exception {
        Path dir = tmp.resolve("run");
        new Training(TestConfigs.load(TestConfigs.tiny(
                        dir,
                        "train.steps=4",
                        "train.lr=1e-5",
                        "eval.limit=64",
                        "quantizer.init=kmeans",
                        "quantizer.restart-threshold=0.999")))
                .run(false, new PrintStream(new ByteArrayOutputStream()));
        try (TrainedRun run = TrainedRun.open(dir, List.of())) {
            VectorQuantizer q = (VectorQuantizer) run.model().quantizer();
            // uniform init stays within +-1/K = 0.016 (and lr 1e-5 cannot leave it in 4 steps): codes
            // this large come from the encoder's outputs
            float max = q.codebook().getArray().abs().max().getFloat();
            assertThat(max).isGreaterThan(0.1f);
            assertThat(q.getParameters().keys()).contains("code_usage");
        }
    }
}
