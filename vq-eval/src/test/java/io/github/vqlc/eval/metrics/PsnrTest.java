package io.github.vqlc.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PsnrTest {

    @Test
    void identicalImagesGiveTheDocumentedCapNotNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(3, 3, 8, 8));
            assertThat(Psnr.perImage(x, x)).containsExactly(100.0, 100.0, 100.0);
            assertThat(Psnr.perImage(UnitRange.of(x), UnitRange.of(x), Psnr.Channel.Y))
                    .containsExactly(100.0, 100.0, 100.0);
        }
    }

    @Test
    void handComputedValuesForRgbAndLuma() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a: zeros; b: red channel 0.1 everywhere. RGB MSE = 0.01 / 3; luma MSE = (0.299 * 0.1)^2
            NDArray a = m.zeros(new Shape(1, 3, 4, 4));
            float[] v = new float[48];
            Arrays.fill(v, 0, 16, 0.1f);
            NDArray b = m.create(v, new Shape(1, 3, 4, 4));
            assertThat(Psnr.perImage(a, b, Psnr.Channel.RGB)[0]).isCloseTo(10 * Math.log10(3 / 0.01), within(1e-4));
            assertThat(Psnr.perImage(a, b, Psnr.Channel.Y)[0]).isCloseTo(-20 * Math.log10(0.0299), within(1e-4));
            // grayscale: luma is the image itself
            NDArray g = m.full(new Shape(2, 1, 4, 4), 0.5f);
            assertThat(Psnr.perImage(m.zeros(new Shape(2, 1, 4, 4)), g, Psnr.Channel.Y)[1])
                    .isCloseTo(10 * Math.log10(4), within(1e-4));
            // [-1, 1] entry point clips reconstructions: 3 is treated as 1
            NDArray ones = m.ones(new Shape(1, 1, 2, 2));
            assertThat(Psnr.perImage(ones, ones.mul(3))[0]).isEqualTo(Psnr.CAP_DB);
        }
        assertThat(Psnr.fromMse(0)).isEqualTo(100.0);
        assertThat(Psnr.fromMse(1e-12)).isEqualTo(100.0);
        assertThat(Psnr.fromMse(0.01)).isCloseTo(20.0, within(1e-12));
    }
}
