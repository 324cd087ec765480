package io.github.vqlc.experiments.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.codebook.kmeans.KMeans;
import io.github.vqlc.quantizers.fc.FactorizedQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** configs/paper/: the authors' settings, on top of a dataset base, reach the typed configs and build. */
class PaperPresetsTest {

    @TempDir
    Path tmp;

    private ExperimentConfig onFashionMnist(String preset, String... overrides) throws Exception {
        Path file = tmp.resolve(preset.replace('/', '-'));
        Files.writeString(
                file,
                "include \"" + Path.of("configs/fashion-mnist/base.conf").toAbsolutePath() + "\"\n" + "include \""
                        + Path.of("configs/paper").resolve(preset).toAbsolutePath() + "\"\n");
        return ExperimentConfig.load(file, List.of(overrides));
    }

    private static Quantizer build(ExperimentConfig c) {
        return c.quantizer()
                .create(
                        QuantizerFactory.discover(),
                        new QuantizerContext(c.model().embedDim(), 0, Path.of(".")));
    }

    @Test
    void everyPresetUsesTheAuthorsOptimizerAndQuantizerWeight() throws Exception {
        for (String preset : List.of("vq.conf", "fc.conf", "fc-vit-vqgan.conf", "ema.conf")) {
            ExperimentConfig c = onFashionMnist(preset);
            assertThat(c.train().adamEps()).as(preset).isEqualTo(1e-7);
            assertThat(c.train().quantizerWeight()).as(preset).isEqualTo(0.1);
            assertThat(List.of(c.train().beta1(), c.train().beta2())).as(preset).containsExactly(0.5, 0.9);
            assertThat(build(c)).as(preset).isNotNull();
        }
    }

    @Test
    void theFashionMnistPaperCodebookResolvesItsOutputForAnySizeGivenOnTheCommandLine() {
        for (String size : List.of("1024", "100000")) {
            ExperimentConfig c = ExperimentConfig.load(
                    Path.of("configs/fashion-mnist/codebook-paper.conf"), List.of("codebook.size=" + size));
            assertThat(c.codebook().output())
                    .isEqualTo(Path.of("runs/codebooks/fashion-mnist-feature-net-paper-" + size + ".npy"));
            assertThat(c.codebook().kmeans().init()).isEqualTo(KMeans.Init.RANDOM);
            assertThat(c.codebook().kmeans().stop()).isEqualTo(KMeans.Stop.CENTRE_SHIFT);
            assertThat(c.codebook().perClass()).isTrue();
            assertThat(c.codebook().grid()).isEqualTo(4);
        }
    }

    @Test
    void theTwoFcPresetsDifferInNormalization() throws Exception {
        FactorizedQuantizer authors = (FactorizedQuantizer) build(onFashionMnist("fc.conf"));
        FactorizedQuantizer vit = (FactorizedQuantizer) build(onFashionMnist("fc-vit-vqgan.conf"));
        assertThat(authors.l2Normalize()).isFalse();
        assertThat(vit.l2Normalize()).isTrue();
        ExperimentConfig vq = onFashionMnist("vq.conf");
        assertThat(vq.quantizer().section().getDouble("codebook-weight")).isEqualTo(0.33);
        assertThat(vq.quantizer().section().getDouble("beta")).isEqualTo(1.0);
    }

    @Test
    void theLcPresetReadsItsCodebookFile() throws Exception {
        Path codebook = tmp.resolve("cb.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            CodebookFiles.writeNpy(codebook, m.randomNormal(new Shape(1024, 16)));
        }
        ExperimentConfig c = onFashionMnist("lc.conf", "quantizer.codebook.path=" + codebook);
        assertThat(c.model().embedDim()).isEqualTo(8);
        Quantizer q = build(c);
        try (NDManager m = NDManager.newBaseManager()) {
            q.initialize(m, DataType.FLOAT32, new Shape(1, 8, 2, 2));
            assertThat(q.codebookSize()).isEqualTo(1024);
        }
    }
}
