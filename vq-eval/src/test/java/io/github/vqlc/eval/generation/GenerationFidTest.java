package io.github.vqlc.eval.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.SyntheticDataset;
import io.github.vqlc.core.spi.ExtractorConfig;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.eval.fid.FeatureStatistics;
import io.github.vqlc.eval.fid.FrechetDistance;
import io.github.vqlc.eval.testing.RandomConvExtractorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gFID against a reference split: zero for the split itself, the Frechet distance of the features otherwise, cached reference. */
class GenerationFidTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    private static final DataConfig DATA = new DataConfig("synthetic", null, 16, 1, false, 0);
    private final ImageDataset split = new SyntheticDataset(40, 4, 1, 16, 3);

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private EvalConfig config(String type) {
        var section = ConfigFactory.parseString("type = \"" + type + "\"\npath = \"\"");
        return new EvalConfig("test", 0, 7, "same", "rgb", tmp.resolve("cache"), fid(type, section), null);
    }

    private GenerationFid open(EvalConfig c, long count) {
        return GenerationFid.open(c, DATA, 0, Device.cpu(), manager, FeatureExtractorFactory.discover(), tmp, count);
    }

    /** Feeds the split's images, transformed, as "generated" batches of 6. */
    private static void feed(
            GenerationFid gfid, ImageDataset split, NDManager manager, UnaryOperator<NDArray> transform) {
        try (BatchLoader loader = BatchLoader.builder(split).setBatchSize(6).build()) {
            loader.forEachBatch(manager, b -> gfid.add(transform.apply(b.images())));
        }
    }

    @Test
    void theSplitItselfScoresZeroAndOtherImagesScoreTheirFrechetDistance() {
        try (GenerationFid gfid = open(config(RandomConvExtractorFactory.TYPE), 40)) {
            List<Integer> progress = new ArrayList<>();
            assertThat(gfid.prepareReference(split, "train", manager, progress::add))
                    .as("from the cache")
                    .isFalse();
            assertThat(progress).last().isEqualTo(40);
            feed(gfid, split, manager, x -> x);
            Map<String, Object> m = gfid.result();
            assertThat((Double) m.get("gfid")).isBetween(-1e-6, 1e-6);
            assertThat(m)
                    .containsEntry("gfid_images", 40L)
                    .containsEntry("gfid_reference_split", "train")
                    .containsEntry("gfid_reference_images", 40L)
                    .containsEntry("gfid_reference", "computed")
                    .containsEntry("fid_extractor", "random-conv-test (path none)");
        }
        // high-contrast, shifted "generations" (values beyond [-1, 1] are clipped first): the distance of the two
        // feature sets
        UnaryOperator<NDArray> dim = x -> x.mul(2f).add(0.3f);
        double expected = directDistance(split, dim);
        try (GenerationFid gfid = open(config(RandomConvExtractorFactory.TYPE), 40)) {
            int before = RandomConvExtractorFactory.CALLS.get();
            assertThat(gfid.prepareReference(split, "train", manager, null))
                    .as("from the cache")
                    .isTrue();
            assertThat(RandomConvExtractorFactory.CALLS.get())
                    .as("no reference pass")
                    .isEqualTo(before);
            feed(gfid, split, manager, dim);
            Map<String, Object> m = gfid.result();
            assertThat((Double) m.get("gfid")).isGreaterThan(1e-3).isCloseTo(expected, within(1e-9 * expected + 1e-9));
            assertThat(m).containsEntry("gfid_reference", "cached");
        }
    }

    /** The same distance computed without GenerationFid: features of the split and of its transformed images. */
    private double directDistance(ImageDataset split, UnaryOperator<NDArray> transform) {
        var context = new FeatureExtractorContext(1, 16, Device.cpu(), manager, tmp, 0);
        try (var extractor =
                        new RandomConvExtractorFactory().create(ConfigFactory.parseString("path = \"\""), context);
                BatchLoader loader = BatchLoader.builder(split).setBatchSize(40).build()) {
            FeatureStatistics a = new FeatureStatistics(RandomConvExtractorFactory.DIM);
            FeatureStatistics b = new FeatureStatistics(RandomConvExtractorFactory.DIM);
            loader.forEachBatch(manager, batch -> {
                a.add(extractor.globalFeatures(batch.images()));
                b.add(extractor.globalFeatures(transform.apply(batch.images()).clip(-1f, 1f)));
            });
            return FrechetDistance.between(a, b).distance();
        }
    }

    @Test
    void userErrorsComeBeforeAnyGeneration() {
        assertThatThrownBy(() -> open(config(RandomConvExtractorFactory.TYPE), 15))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("15 images < 16 dimensions")
                .hasMessageContaining("--count");
        try (GenerationFid gfid = open(config(RandomConvExtractorFactory.TYPE), 40)) {
            int before = RandomConvExtractorFactory.CALLS.get();
            assertThatThrownBy(
                            () -> gfid.prepareReference(new SyntheticDataset(10, 4, 1, 16, 3), "train", manager, null))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("10 images < 16 dimensions");
            assertThat(RandomConvExtractorFactory.CALLS.get())
                    .as("no pass over the too-small split")
                    .isEqualTo(before);
        }
        assertThatThrownBy(() -> open(config(EvalConfig.NO_EXTRACTOR), 100))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("gFID")
                .hasMessageContaining("eval.fid.extractor.type");
        assertThatThrownBy(() -> open(config("no-such-type"), 100))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unknown feature extractor type 'no-such-type'")
                .hasMessageContaining("gFID");
    }

    /** The FID extractor section, or null for type none. */
    private static ExtractorConfig fid(String type, Config section) {
        return type.equals(EvalConfig.NO_EXTRACTOR) ? null : new ExtractorConfig("eval.fid.extractor", type, section);
    }
}
