package io.github.vqlc.experiments.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void fileOverridesDefaultsAndCommandLineOverridesFile() throws Exception {
        Path f = write("a.conf", "train { steps = 77 }\nquantizer.codebook-size = 4096\n");
        ExperimentConfig c = ExperimentConfig.load(f, List.of("train.steps=9", "train.steps=5"));
        assertThat(c.train().steps()).isEqualTo(5);
        assertThat(c.quantizer().codebookSize()).isEqualTo(4096);
        assertThat(c.quantizer().type()).isEqualTo("vq");
        // a type's defaults reach its section
        assertThat(c.quantizer().section().getDouble("beta")).isEqualTo(0.25);
        assertThat(c.run().dir()).isEqualTo(Path.of("runs/run"));
    }

    @Test
    void typoInAFileIsNamedWithFileAndLineAndValidKeys() throws Exception {
        Path f = write("typo.conf", "train {\n  steps = 10\n  stpes = 3\n}\n");
        assertThatThrownBy(() -> ExperimentConfig.load(f, List.of()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'train.stpes'")
                .hasMessageContaining("typo.conf:3")
                .hasMessageContaining("steps");
    }

    @Test
    void typoOnTheCommandLineInTheQuantizerSectionListsThatTypesKeys() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("quantizer.typo=1")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'quantizer.typo'")
                .hasMessageContaining("command line")
                .hasMessageContaining("beta")
                .hasMessageContaining("codebook-size");
    }

    @Test
    void unknownTopLevelSectionIsRejected() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("trian.steps=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'trian.steps'")
                .hasMessageContaining("train");
    }

    @Test
    void outOfRangeValuesNameTheRange() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("train.steps=0")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("train.steps = 0")
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("run.device=tpu")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("auto, cpu, gpu");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("quantizer.codebook-size=1")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.codebook-size");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("train.steps=lots")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("steps");
    }

    @Test
    void renderedConfigReplaysToTheSameValues() throws Exception {
        ExperimentConfig c = ExperimentConfig.load(null, List.of("train.steps=123", "quantizer.codebook-size=16384"));
        Path replay = write("config.conf", c.render());
        ExperimentConfig again = ExperimentConfig.load(replay, List.of());
        assertThat(again.train()).isEqualTo(c.train());
        assertThat(again.quantizer().codebookSize()).isEqualTo(16384);
        assertThat(ConfigFactory.parseString(c.render()).getInt("train.steps")).isEqualTo(123);
    }

    @Test
    void shippedConfigsLoad() {
        for (String type : List.of("vq", "ema", "fc", "lc")) {
            ExperimentConfig c = ExperimentConfig.load(
                    Path.of("configs/fashion-mnist/" + type + ".conf"), List.of("quantizer.codebook-size=100000"));
            assertThat(c.quantizer().type()).isEqualTo(type);
            assertThat(c.quantizer().codebookSize()).isEqualTo(100000);
            assertThat(c.data().name()).isEqualTo("fashion-mnist");
        }
        ExperimentConfig fsq = ExperimentConfig.load(Path.of("configs/fashion-mnist/fsq.conf"), List.of());
        assertThat(fsq.quantizer().codebookSize()).isEqualTo(1000);
        assertThat(fsq.quantizer().section().getIntList("levels")).containsExactly(8, 5, 5, 5);
        ExperimentConfig simvq = ExperimentConfig.load(Path.of("configs/fashion-mnist/simvq.conf"), List.of());
        assertThat(simvq.quantizer().type()).isEqualTo("lc");
        assertThat(simvq.quantizer().section().getInt("codebook.dim"))
                .isEqualTo(simvq.model().embedDim());
        assertThat(ExperimentConfig.load(Path.of("configs/quickstart.conf"), List.of())
                        .quantizer()
                        .type())
                .isEqualTo("vq");
    }

    @Test
    void typosInTheFeatureNetCodebookAndKMeansSectionsNameTheKeyAndTheValidOnes() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("features.widht=8")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'features.widht' (command line)")
                .hasMessageContaining("width");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("codebook.sise=8")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'codebook.sise'")
                .hasMessageContaining("size");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("codebook.kmeans.iters=8")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'codebook.kmeans.iters'")
                .hasMessageContaining("kmeans.iterations");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("sweep.name=x")))
                .as("sweep keys belong to sweep files")
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'sweep.name'");
    }

    @Test
    void anUnknownQuantizerTypeOverAFileWithTypeSpecificKeysIsReportedAsAnUnknownType() {
        Path lc = Path.of("configs/fashion-mnist/lc.conf");
        assertThatThrownBy(() -> ExperimentConfig.load(lc, List.of("quantizer.type=nope")))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("unknown quantizer.type 'nope' (command line); registered types: ")
                .hasMessageContaining("lc")
                .hasMessageContaining("vq");
        assertThatThrownBy(() -> ExperimentConfig.load(lc, List.of("quantizer.type=vq")))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("quantizer.type = vq (command line) does not take ")
                .hasMessageContaining("quantizer.projector (")
                .hasMessageContaining("lc.conf:")
                .hasMessageContaining(
                        "the keys of quantizer type vq: beta, codebook-size, codebook-weight, gradient, init, restart-threshold, search-budget-mb, type");
    }

    @Test
    void theRunDirectoryFollowsTheRunName() {
        assertThat(ExperimentConfig.load(null, List.of("run.name=abc")).run().dir())
                .isEqualTo(Path.of("runs/abc"));
    }
}
