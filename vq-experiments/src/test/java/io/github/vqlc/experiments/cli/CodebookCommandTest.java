package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.Injector;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc codebook} end to end on real Fashion-MNIST images (raw patches: no trained network needed). */
@Tag("e2e")
class CodebookCommandTest {

    @TempDir
    Path dir;

    @Test
    void perClassKMeansOfPatchesWritesTheNpyAndSidecarAndLoadsIntoTheLcQuantizer() throws Exception {
        Path out = dir.resolve("cb.npy");
        CliRun r = CliRun.of(
                "codebook",
                "-c",
                "configs/fashion-mnist/codebook.conf",
                "-o",
                "data.limit=400",
                "-o",
                "codebook.size=25",
                "-o",
                "codebook.extractor.type=patches",
                "-o",
                "codebook.output=" + out,
                "-o",
                "codebook.kmeans.iterations=5");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("k-means class 0 (1/10)").contains("wrote " + out);
        assertThat(CodebookFiles.inspect(out).shape()).isEqualTo(new Shape(25, 16)); // 1 x 4 x 4 pixel patches
        JsonObject side =
                JsonParser.parseString(Files.readString(dir.resolve("cb.json"))).getAsJsonObject();
        assertThat(side.get("rows").getAsInt()).isEqualTo(25);
        assertThat(side.get("feature_rows").getAsInt()).isEqualTo(400 * 16);
        assertThat(side.getAsJsonObject("extractor").get("type").getAsString()).isEqualTo("patches");
        var classes = side.getAsJsonObject("kmeans").getAsJsonArray("classes");
        assertThat(classes).hasSize(10);
        // 25 rows over 10 classes: the first five classes get 3, the others 2, in label order
        assertThat(classes.get(0).getAsJsonObject().get("rows").getAsInt()).isEqualTo(3);
        assertThat(classes.get(9).getAsJsonObject().get("rows").getAsInt()).isEqualTo(2);
        assertThat(classes.get(9).getAsJsonObject().get("first_row").getAsInt()).isEqualTo(23);
        JsonObject kmeans = side.getAsJsonObject("kmeans");
        assertThat(kmeans.get("seeding").getAsString()).isEqualTo("k-means++");
        assertThat(kmeans.get("stop").getAsString()).isEqualTo("inertia");
        assertThat(kmeans.has("converged")).isTrue();
        assertThat(kmeans.get("iterations").getAsInt()).isBetween(1, 5);
        JsonObject sizes = kmeans.getAsJsonObject("cluster_sizes");
        for (String key : List.of("min", "p10", "median", "p90", "max", "empty", "singletons")) {
            assertThat(sizes.has(key)).as(key).isTrue();
        }
        assertThat(side.get("duplicate_rows").getAsInt()).isZero();
        Path sizesFile = dir.resolve(kmeans.get("cluster_sizes_file").getAsString());
        assertThat(sizesFile.getFileName().toString()).isEqualTo("cb-cluster-sizes.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            long[] perRow = NpyFiles.inspect(sizesFile).read(m, "cluster sizes").toLongArray();
            assertThat(perRow).hasSize(25);
            assertThat(Arrays.stream(perRow).sum()).isEqualTo(400L * 16);
        }

        // the file is what quantizer.codebook.path consumes
        var config = ExperimentConfig.load(
                null,
                List.of(
                        "run.dir=\"" + dir.resolve("run") + "\"",
                        "run.device=cpu",
                        "model.embed-dim=8",
                        "quantizer.type=lc",
                        "quantizer.codebook-size=25",
                        "quantizer.codebook.init=file",
                        "quantizer.codebook.path=\"" + out + "\""));
        Injector injector = ExperimentModule.injector(config);
        LargeCodebookQuantizer q = (LargeCodebookQuantizer) injector.getInstance(Quantizer.class);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] file = CodebookFiles.read(m, out).toFloatArray();
            injector.getInstance(VqAutoencoder.class); // initializes the quantizer
            assertThat(q.codebook().getArray().toFloatArray()).containsExactly(file);
        }
    }

    @Test
    void featureNetWithoutATrainedNetworkSaysHowToTrainOne() {
        CliRun r = CliRun.of(
                "codebook",
                "-c",
                "configs/fashion-mnist/codebook.conf",
                "-o",
                "data.limit=100",
                "-o",
                "codebook.size=10",
                "-o",
                "codebook.extractor.path=" + dir.resolve("none"),
                "-o",
                "codebook.output=" + dir.resolve("x.npy"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("bin/vqlc features train -c configs/fashion-mnist/feature-net.conf");
        assertThat(dir.resolve("x.npy")).doesNotExist();
    }

    @Test
    void moreRowsThanFeatureVectorsIsAClearError() {
        CliRun r = CliRun.of(
                "codebook",
                "-c",
                "configs/fashion-mnist/codebook.conf",
                "-o",
                "data.limit=10",
                "-o",
                "codebook.size=500",
                "-o",
                "codebook.extractor.type=patches",
                "-o",
                "codebook.output=" + dir.resolve("y.npy"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("codebook.size 500").contains("160 pooled feature vectors");
    }

    @Test
    void theAuthorsSeedingToAToleranceNeverReachedStopsAtTheCapAndSaysSo() throws Exception {
        Path out = dir.resolve("capped.npy");
        CliRun r = CliRun.of(
                "codebook",
                "-c",
                "configs/fashion-mnist/codebook-paper.conf",
                "-o",
                "data.limit=300",
                "-o",
                "codebook.size=20",
                "-o",
                "codebook.extractor.type=patches",
                "-o",
                "codebook.output=" + out,
                "-o",
                "codebook.kmeans.tolerance=0",
                "-o",
                "codebook.kmeans.iterations=2");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("stopped at the iteration cap (2)");
        JsonObject kmeans = JsonParser.parseString(Files.readString(dir.resolve("capped.json")))
                .getAsJsonObject()
                .getAsJsonObject("kmeans");
        assertThat(kmeans.get("seeding").getAsString()).isEqualTo("random points");
        assertThat(kmeans.get("stop").getAsString()).isEqualTo("centre-shift");
        assertThat(kmeans.get("converged").getAsBoolean()).isFalse();
        assertThat(kmeans.get("iterations").getAsInt()).isEqualTo(2);
    }
}
