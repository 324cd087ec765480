package io.github.vqlc.experiments.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vqlc.core.UserException;
import io.github.vqlc.models.gpt.GptConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GptConfigsTest {

    @Test
    void shippedGptConfigsLoadWithTheirShapes() {
        GptConfig f = ExperimentConfig.load(Path.of("configs/fashion-mnist/gpt.conf"), List.of())
                .gpt();
        assertThat(List.of(f.layers(), f.width(), f.heads())).containsExactly(4, 256, 8);
        assertThat(f.sampling().effectiveTopK(1024)).isEqualTo(1024);
        GptConfig p = ExperimentConfig.load(Path.of("configs/imagenet/gpt-paper.conf"), List.of())
                .gpt();
        assertThat(List.of(p.layers(), p.width(), p.heads(), p.vocabSize())).containsExactly(24, 1024, 16, 100000);
        assertThat(p.grid()).containsExactly(16, 16);
        assertThat(p.sampling().effectiveTopK(100000)).isEqualTo(100000);
    }

    @Test
    void aTypoInTheGptSectionIsRejectedWithTheValidKeys() {
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("gpt.layer=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("gpt.layer")
                .hasMessageContaining("layers")
                .hasMessageContaining("label-smoothing");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("gpt.width=100", "gpt.heads=8"))
                        .gpt())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not divisible");
        assertThatThrownBy(() -> ExperimentConfig.load(null, List.of("gpt.sample.top-p=1.5"))
                        .gpt())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("gpt.sample.top-p");
        assertThatThrownBy(() ->
                        ExperimentConfig.load(null, List.of("gpt.grid=[8]")).gpt())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("gpt.grid");
    }
}
