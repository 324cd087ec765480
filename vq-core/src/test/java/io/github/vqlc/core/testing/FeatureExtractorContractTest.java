package io.github.vqlc.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every feature extractor honours ({@link FeatureExtractor}'s javadoc); each
 * implementation's test extends this class (shipped in vq-core's test-jar) and supplies {@link
 * #create}. Two extractors created alike (e.g. from the same weight file) must agree, which is the
 * save/load check of extractors that read weights.
 */
public abstract class FeatureExtractorContractTest {

    protected NDManager manager;

    /** A fresh extractor for images of {@link #imageChannels()} x {@link #imageSize()}; its arrays may live in {@code m}. */
    protected abstract FeatureExtractor create(NDManager m);

    protected abstract int imageChannels();

    protected abstract int imageSize();

    @BeforeEach
    void setUpManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    protected NDArray images(long seed, int n) {
        Engine.getInstance().setRandomSeed((int) seed);
        return manager.randomUniform(-1, 1, new Shape(n, imageChannels(), imageSize(), imageSize()));
    }

    @Test
    void outputsHaveTheDeclaredShapesAndMissingKindsAreUserErrors() {
        try (FeatureExtractor e = create(manager)) {
            assertThat(e.hasPatchFeatures() || e.hasGlobalFeatures())
                    .as("some features")
                    .isTrue();
            NDArray x = images(1, 3);
            if (e.hasPatchFeatures()) {
                Shape p = e.patchFeatures(x).getShape();
                assertThat(p.dimension()).isEqualTo(4);
                assertThat(p.get(0)).isEqualTo(3);
                assertThat(p.get(1)).isEqualTo(e.patchDim());
                assertThat(p.get(2)).isPositive().isEqualTo(p.get(3));
            } else {
                assertThatThrownBy(() -> e.patchFeatures(x))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining(e.type());
            }
            if (e.hasGlobalFeatures()) {
                NDArray g = e.globalFeatures(x);
                assertThat(g.getShape()).isEqualTo(new Shape(3, e.globalDim()));
                assertThat(g.getDataType()).isEqualTo(DataType.FLOAT32);
            } else {
                assertThatThrownBy(() -> e.globalFeatures(x))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining(e.type());
            }
        }
    }

    @Test
    void outputsAreDeterministicFiniteAndAttachedToTheImagesManagerWithoutGradient() {
        try (FeatureExtractor e = create(manager)) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = images(2, 2);
                x.attach(step);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray a = features(e, x);
                    NDArray b = features(e, x);
                    assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
                    assertThat(a.isNaN().logicalOr(a.isInfinite()).any().getBoolean())
                            .isFalse();
                    assertThat(a.getManager())
                            .as("outputs go with the caller's per-step manager")
                            .isSameAs(step);
                    assertThat(a.hasGradient()).as("no autograd history").isFalse();
                }
            }
        }
    }

    @Test
    void twoExtractorsCreatedAlikeAgreeAndHaveOneFingerprint() {
        try (FeatureExtractor a = create(manager);
                FeatureExtractor b = create(manager)) {
            NDArray x = images(3, 2);
            assertThat(features(a, x).toFloatArray())
                    .containsExactly(features(b, x).toFloatArray());
            assertThat(a.fingerprint()).isNotBlank().isEqualTo(b.fingerprint());
            assertThat(a.describe()).contains(a.type()).doesNotContain(System.getProperty("user.dir"));
        }
    }

    @Test
    void imagesOfAnotherShapeAreAOneLineUserErrorNamingTheShape() {
        try (FeatureExtractor e = create(manager)) {
            Shape wrong = new Shape(2, imageChannels(), imageSize() + 4, imageSize() + 4);
            NDArray x = manager.zeros(wrong);
            assertThatThrownBy(() -> features(e, x))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining(wrong.toString())
                    .hasMessageNotContaining("\n");
        }
    }

    /** The extractor's features of {@code x}: patch features when it has them, else global ones. */
    private static NDArray features(FeatureExtractor e, NDArray x) {
        return e.hasPatchFeatures() ? e.patchFeatures(x) : e.globalFeatures(x);
    }
}
