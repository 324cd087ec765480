package io.github.vqlc.experiments.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vqlc.core.UserException;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.VelocitySampler;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffusionConfigsTest {

    @Test
    void shippedDiffusionConfigsLoadWithTheirShapes() {
        DiffusionConfig f = ExperimentConfig.load(Path.of("configs/fashion-mnist/sit.conf"), List.of())
                .diffusion();
        assertThat(f.normalize()).isTrue();
        assertThat(f.sampling().method()).isEqualTo(VelocitySampler.Method.HEUN);
        DiffusionConfig x = ExperimentConfig.load(Path.of("configs/imagenet/sit-xl-2.conf"), List.of())
                .diffusion();
        var spec = x.spec(8, 16, 1000);
        assertThat(List.of(spec.depth(), spec.width(), spec.heads(), spec.patch(), spec.tokens()))
                .containsExactly(28, 1152, 16, 2, 64);
        // SiT-XL/2 = DiT-XL/2: 675M parameters (Peebles and Xie 2023, Table 1); ours has 8 input
        // channels and predicts the velocity only (no learned variance)
        assertThat(spec.parameterCount()).isBetween(674_000_000L, 676_000_000L);
        assertThat(x.normalize()).isFalse();
        assertThat(x.sampling().guidedChannels()).isEqualTo(3);
    }

    @Test
    void badDiffusionSettingsAreOneLineErrors() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("diffusion.depths=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion.depths")
                .hasMessageContaining("class-dropout");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("diffusion.width=100", "diffusion.heads=8"))
                        .diffusion())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion.width = 100");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("diffusion.sample.method=rk4"))
                        .diffusion())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion.sample.method")
                .hasMessageContaining("euler, heun");
        assertThatThrownBy(
                        () -> ExperimentConfig.load(null, List.of()).diffusion().requireLatents())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion.latents is not set");
    }
}
