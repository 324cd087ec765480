package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    @Test
    void scalingMapsByteRangeToMinusOneOne() {
        assertThat(ImageOps.unit(0)).isEqualTo(-1f);
        assertThat(ImageOps.unit(255)).isEqualTo(1f);
        assertThat(ImageOps.unit(51)).isCloseTo(51 / 127.5f - 1f, within(1e-7f));
    }

    @Test
    void upsamplingIsBilinearWithHalfPixelCenters() {
        // hand computation (= torch.nn.functional.interpolate(mode="bilinear", align_corners=False)):
        // output centers 0.25, 0.75, 1.25, 1.75 over inputs [0, 1] -> 0, 0.25, 0.75, 1
        float[] src = {0f, 1f};
        float[] dst = new float[4];
        ImageOps.resizeWindow(src, 1, 1, 2, 1, 4, 0, 0, 1, 4, false, dst, 0);
        assertThat(dst).containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
    }

    @Test
    void downsamplingByTwoUsesTheWidenedTriangle() {
        // scale 2, support 2 (PIL BILINEAR with antialias). Output 0 is centered at 1.0 in source
        // coordinates: taps j=0,1,2 with weights 1-|j+0.5-1|/2 = 0.75, 0.75, 0.25 (j=-1 is outside)
        float[] src = {0f, 1f, 2f, 3f};
        float[] dst = new float[2];
        ImageOps.resizeWindow(src, 1, 1, 4, 1, 2, 0, 0, 1, 2, false, dst, 0);
        float expected0 = (0.75f * 0 + 0.75f * 1 + 0.25f * 2) / 1.75f;
        assertThat(dst[0]).isCloseTo(expected0, within(1e-6f));
        // center 3.0: j=1 (0.25), j=2 (0.75), j=3 (0.75) -> mirror image of the first
        float expected1 = (0.25f * 1 + 0.75f * 2 + 0.75f * 3) / 1.75f;
        assertThat(dst[1]).isCloseTo(expected1, within(1e-6f));
    }

    @Test
    void identityWindowAndFlip() {
        float[] src = new float[2 * 3 * 4];
        for (int k = 0; k < src.length; k++) {
            src[k] = k;
        }
        float[] dst = new float[2 * 3 * 2];
        // same size, window of columns 1..2, mirrored
        ImageOps.resizeWindow(src, 2, 3, 4, 3, 4, 0, 1, 3, 2, true, dst, 0);
        assertThat(dst).containsExactly(2, 1, 6, 5, 10, 9, 14, 13, 18, 17, 22, 21);
    }

    @Test
    void constantStaysConstantAtAnyScale() {
        float[] src = new float[37 * 23];
        Arrays.fill(src, -0.3f);
        for (int out : new int[] {5, 16, 23, 64}) {
            float[] dst = new float[out * out];
            ImageOps.resizeWindow(src, 1, 37, 23, out, out, 0, 0, out, out, false, dst, 0);
            for (float v : dst) {
                assertThat(v).isCloseTo(-0.3f, within(1e-6f));
            }
        }
    }
}
